# Benchmark: 24 mtty-1 instances created three ways in the same guest: the engine (one converge, which also
# writes the ledger and mdevctl definitions), a shell loop writing UUIDs to create, and a loop of mdevctl start.
# Records the times; checks only that each way created the 24 devices. Leaves no mdev behind.

function Invoke-LabTimed([scriptblock] $Action) {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    & $Action | Out-Null
    $clock.Stop()
    [math]::Round($clock.Elapsed.TotalSeconds, 3)
}

function Invoke-BenchScenario([string] $SpecDirectory) {
    $count = 24
    $create = Get-LabMttyCreatePath 'mtty-1'
    $times = [ordered]@{}

    Invoke-LabCheck 'bench.engine-converge' {
        $spec = New-LabSpec -Path "$SpecDirectory/bench.yaml" -Mtty ([ordered]@{ 'mtty-1' = $count })
        $times['engine'] = Invoke-LabTimed { Set-HdIovHostState -Path $spec -HostRoot / -Confirm:$false -ErrorAction Stop }
        Assert-LabEqual $count @(Get-LabMdev).Count 'mdevs after the converge'
        $null = Set-HdIovHostState -Path (New-LabSpec -Path "$SpecDirectory/bench-empty.yaml") -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after cleaning up'
    }

    Invoke-LabCheck 'bench.shell-loop' {
        $uuids = @(1..$count | ForEach-Object { [guid]::NewGuid().ToString() })
        $times['shell'] = Invoke-LabTimed { & bash -c 'create=$1; shift; for uuid in "$@"; do echo "$uuid" > "$create"; done' bench $create @uuids }
        Assert-LabEqual $count @(Get-LabMdev).Count 'mdevs after the shell loop'
        & bash -c 'for uuid in "$@"; do echo 1 > "/sys/bus/mdev/devices/$uuid/remove"; done' bench @uuids
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after cleaning up'
    }

    Invoke-LabCheck 'bench.mdevctl-loop' {
        $uuids = @(1..$count | ForEach-Object { [guid]::NewGuid().ToString() })
        $times['mdevctl'] = Invoke-LabTimed { & bash -c 'for uuid in "$@"; do mdevctl start -u "$uuid" -p mtty -t mtty-1 || exit 1; done' bench @uuids }
        Assert-LabEqual $count @(Get-LabMdev).Count 'mdevs after the mdevctl loop'
        & bash -c 'for uuid in "$@"; do mdevctl stop -u "$uuid"; done' bench @uuids
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after cleaning up'
    }

    if ($times.Count -eq 3) {
        Add-LabRecord 'bench.create-24-mtty-1' ([ordered]@{
                EngineSeconds          = $times['engine']
                ShellLoopSeconds       = $times['shell']
                MdevctlLoopSeconds     = $times['mdevctl']
                EngineToShellRatio     = [math]::Round($times['engine'] / $times['shell'], 2)
                EngineToMdevctlRatio   = [math]::Round($times['engine'] / $times['mdevctl'], 2)
            })
        Write-LabLog "bench: engine $($times['engine']) s, shell loop $($times['shell']) s, mdevctl loop $($times['mdevctl']) s"
    }
}
