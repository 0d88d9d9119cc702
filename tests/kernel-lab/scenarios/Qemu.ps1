# Scenario 9: a QEMU VM started by hand gets a VDEV through the arguments file a qemu attachment makes the engine
# write. The guest's own QEMU (the host's qemu-system-x86, reached through the 9p root) starts with TCG, -S and no
# guest OS from a start script that sources that file, answers over QMP that the vfio-pci device sits on its PCI bus,
# holds the VDEV while it runs (a plan that would remove it is refused), and quits over QMP; the release deletes the
# file and the folder the engine made. Expects no mdev on mtty when it starts; leaves none behind.

$script:QemuVm = 'labvm'
$script:QemuVdev = 'mtty/0/mtty-2/0'

# A spec with one mtty-2 VDEV handed to the QEMU VM labvm, the vIOMMU arguments with -Iommu.
function New-LabQemuSpec([string] $Path, [string] $ArgumentsFile, [switch] $Iommu) {
    $null = New-LabSpec -Path $Path -Mtty ([ordered]@{ 'mtty-2' = 1 })
    Add-Content -Path $Path -Value @(
        '  attachments:'
        "    - vdevs: [$script:QemuVdev]"
        "      qemu: { name: $script:QemuVm, argumentsFile: $ArgumentsFile, iommu: $($Iommu.IsPresent.ToString().ToLowerInvariant()) }")
    $Path
}

# The words a POSIX shell gets from sourcing the file: what the start script hands QEMU after its own arguments.
function Get-LabSourcedArgument([string] $ArgumentsFile) {
    $words = @(& /bin/sh -c '. "$0"; printf "%s\n" "$@"' $ArgumentsFile)
    Assert-LabEqual 0 $LASTEXITCODE "sh sourcing $ArgumentsFile"
    $words
}

# Starts QEMU the way the file's comment tells a start script to: its own arguments, then the file, then exec.
function Start-LabQemu([string] $ArgumentsFile, [string] $Socket, [string] $ErrorLog, [string[]] $Own) {
    $script = '. "$0"; exec qemu-system-x86_64 "$@" 2>"$ERRLOG"'
    $start = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    foreach ($word in @('-c', $script, $ArgumentsFile) + $Own + @('-qmp', "unix:$Socket,server=on,wait=off")) {
        $start.ArgumentList.Add($word)
    }
    $start.Environment['ERRLOG'] = $ErrorLog
    $start.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($start)
}

# One QMP session: the greeting, capabilities negotiation, then each command; returns the list of their return
# values (events are skipped).
function Invoke-LabQmp([string] $Socket, [string[]] $Commands) {
    $results = [System.Collections.Generic.List[object]]::new()
    $client = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
    try {
        $client.Connect([System.Net.Sockets.UnixDomainSocketEndPoint]::new($Socket))
        $stream = [System.Net.Sockets.NetworkStream]::new($client, $true)
        $stream.ReadTimeout = 120000
        $reader = [System.IO.StreamReader]::new($stream)
        $writer = [System.IO.StreamWriter]::new($stream)
        $writer.AutoFlush = $true
        $greeting = $reader.ReadLine() | ConvertFrom-Json
        Assert-Lab ($null -ne $greeting.PSObject.Properties['QMP']) "QMP greeting: $greeting"
        foreach ($command in @('qmp_capabilities') + $Commands) {
            $writer.WriteLine((@{ execute = $command } | ConvertTo-Json -Compress))
            do {
                $line = $reader.ReadLine()
                Assert-Lab ($null -ne $line) "QMP closed the connection before answering $command"
                $answer = $line | ConvertFrom-Json
            } while ($null -ne $answer.PSObject.Properties['event'])
            Assert-Lab ($null -eq $answer.PSObject.Properties['error']) "QMP $command failed: $line"
            if ($command -ne 'qmp_capabilities') {
                $results.Add($answer.return)
            }
        }
    }
    finally {
        $client.Dispose()
    }
    , $results
}

# Waits for QEMU's QMP socket; a QEMU that exits first fails the check with what it printed.
function Wait-LabQemuSocket([System.Diagnostics.Process] $Qemu, [string] $Socket, [string] $ErrorLog) {
    $scale = if ($env:HDIOV_KERNEL_LAB_TIMEOUT_SCALE) { [double] $env:HDIOV_KERNEL_LAB_TIMEOUT_SCALE } else { 1.0 }
    $deadline = [DateTime]::UtcNow.AddSeconds(120 * $scale)
    while (-not (Test-Path -LiteralPath $Socket)) {
        if ($Qemu.HasExited) {
            throw "QEMU exited with $($Qemu.ExitCode) before its QMP socket appeared: $(Get-Content -Raw -LiteralPath $ErrorLog -ErrorAction Ignore)"
        }
        Assert-Lab ([DateTime]::UtcNow -lt $deadline) "QEMU made no QMP socket $Socket in time"
        Start-Sleep -Milliseconds 200
    }
}

function Stop-LabQemu([System.Diagnostics.Process] $Qemu, [string] $Socket) {
    if ($null -eq $Qemu -or $Qemu.HasExited) {
        return
    }
    try {
        $null = Invoke-LabQmp $Socket @('quit')
    }
    catch {
        Write-LabLog "QMP quit failed: $($_.Exception.Message)"
    }
    if (-not $Qemu.WaitForExit(60000)) {
        $Qemu.Kill()
        $Qemu.WaitForExit()
    }
}

# The vfio-pci devices QEMU reports on its PCI buses (query-pci), with their ids.
function Get-LabQemuVfioDevice([object] $Buses) {
    @(foreach ($bus in @($Buses)) {
            foreach ($device in @($bus.devices)) {
                if ($device.qdev_id -like 'hdiov-*') { $device }
            }
        })
}

function Invoke-QemuScenario([string] $SpecDirectory) {
    $file = "/etc/hdiov/qemu/$script:QemuVm.args"
    $spec = New-LabQemuSpec -Path "$SpecDirectory/qemu.yaml" -ArgumentsFile $file
    $uuid = "$(Get-LabVdevUuid $script:QemuVdev)".ToLowerInvariant()
    $id = 'hdiov-' + $script:QemuVdev.Replace('/', '-')
    $socket = '/tmp/hdiov-lab-qmp.sock'
    $errorLog = '/tmp/hdiov-lab-qemu.err'
    $hadEtcHdiov = Test-Path /etc/hdiov

    Invoke-LabCheck 'qemu.converge-writes-arguments-file' {
        $result = Set-HdIovHostState -Path $spec -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 2 $result.Completed.Length 'steps done (create the VDEV, write the arguments file)'
        Assert-LabEqual $uuid (@(Get-LabMdev | ForEach-Object Uuid) -join ',') 'live mdevs'
        Assert-Lab (Test-Path -LiteralPath $file) "$file was not written"
        $rendered = @(Get-HdIovQemuArguments -Path $spec -VmName $script:QemuVm -HostRoot / -ErrorAction Stop)
        Assert-LabEqual ($rendered -join ' ') ((Get-LabSourcedArgument $file) -join ' ') 'the words sh gets from the file vs Get-HdIovQemuArguments'
        Assert-LabEqual "-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid,id=$id" ($rendered -join ' ') 'rendered arguments'
        $plan = Get-HdIovPlan -Path $spec -HostRoot / -ErrorAction Stop
        Assert-LabEqual 0 $plan.Steps.Length 'steps planned on the converged host'
    }

    Invoke-LabCheck 'qemu.parses-the-device-options' {
        $help = @(& qemu-system-x86_64 -nodefaults -machine none -device 'vfio-pci,help' 2>&1) -join "`n"
        Assert-LabEqual 0 $LASTEXITCODE "qemu-system-x86_64 -device vfio-pci,help: $help"
        Assert-Lab ($help -match 'sysfsdev=') "QEMU's vfio-pci has no sysfsdev option: $help"
    }

    $script:LabQemu = $null
    Invoke-LabCheck 'qemu.starts-with-the-vdev' {
        Remove-Item -LiteralPath $socket, $errorLog -ErrorAction Ignore
        $script:LabQemu = Start-LabQemu $file $socket $errorLog @('-nodefaults', '-display', 'none', '-machine', 'q35', '-accel', 'tcg', '-m', '64', '-S')
        Wait-LabQemuSocket $script:LabQemu $socket $errorLog
        $buses = Invoke-LabQmp $socket @('query-pci')
        $devices = @(Get-LabQemuVfioDevice $buses[0])
        Assert-LabEqual $id (@($devices | ForEach-Object qdev_id) -join ',') 'vfio-pci devices on the guest PCI bus (query-pci)'
        Assert-LabEqual 0x4348 $devices[0].id.vendor "vendor id of $id (mtty's PCI config space)"
    }

    Invoke-LabCheck 'qemu.running-vm-holds-the-vdev' {
        $qemu = $script:LabQemu
        Assert-Lab ($null -ne $qemu -and -not $qemu.HasExited) 'QEMU is not running (see qemu.starts-with-the-vdev)'
        $vdev = @(Get-HdIovVirtualDevice -HostRoot / | Where-Object VdevName -eq $script:QemuVdev)
        Assert-LabEqual 1 $vdev.Count "VDEVs named $script:QemuVdev"
        $holders = @($vdev[0].Holders)
        Assert-Lab (@($holders | Where-Object { $_ -like "process $($qemu.Id) *sysfsdev*" }).Count -eq 1) "the QEMU process $($qemu.Id) is not a holder: $($holders -join ' | ')"
        Assert-Lab (@($holders | Where-Object { $_ -like "*arguments file $file" }).Count -eq 1) "the arguments file is not a holder: $($holders -join ' | ')"
        $failure = $null
        try {
            $null = Set-HdIovHostState -Path (New-LabSpec -Path "$SpecDirectory/qemu-empty.yaml") -HostRoot / -Confirm:$false -ErrorAction Stop
        }
        catch {
            $failure = $_
        }
        Assert-Lab ($null -ne $failure) 'removing the VDEV the running QEMU holds was not refused'
        Assert-Lab ($failure.FullyQualifiedErrorId -like 'HDIOV2023*') "error id: $($failure.FullyQualifiedErrorId): $($failure.Exception.Message)"
        Assert-Lab ($failure.Exception.Message -match "process $($qemu.Id)") "the refusal should name the QEMU process: $($failure.Exception.Message)"
        Assert-LabEqual $uuid (@(Get-LabMdev | ForEach-Object Uuid) -join ',') 'live mdevs after the refused plan'
        Assert-Lab (Test-Path -LiteralPath $file) "$file is gone after the refused plan"
    }

    Invoke-LabCheck 'qemu.quits-over-qmp' {
        $qemu = $script:LabQemu
        Assert-Lab ($null -ne $qemu -and -not $qemu.HasExited) 'QEMU is not running (see qemu.starts-with-the-vdev)'
        $null = Invoke-LabQmp $socket @('quit')
        Assert-Lab $qemu.WaitForExit(60000) 'QEMU did not exit after QMP quit'
        Assert-LabEqual 0 $qemu.ExitCode "QEMU's exit code after quit"
    }
    Stop-LabQemu $script:LabQemu $socket

    $iommuSpec = New-LabQemuSpec -Path "$SpecDirectory/qemu-iommu.yaml" -ArgumentsFile $file -Iommu
    Invoke-LabCheck 'qemu.starts-with-the-guest-iommu' {
        $result = Set-HdIovHostState -Path $iommuSpec -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 1 $result.Completed.Length 'steps done (rewrite the arguments file)'
        $words = @(Get-LabSourcedArgument $file)
        Assert-LabEqual (@(Get-HdIovQemuArguments -Path $iommuSpec -VmName $script:QemuVm -HostRoot / -IncludeIommu -ErrorAction Stop) -join ' ') ($words -join ' ') 'the words sh gets from the file vs Get-HdIovQemuArguments -IncludeIommu'
        Remove-Item -LiteralPath $socket, $errorLog -ErrorAction Ignore
        # The script's own -machine q35 as in examples/mtty-lab/start-vm.sh: QEMU merges it with the file's q35,kernel-irqchip=split.
        $script:LabQemu = Start-LabQemu $file $socket $errorLog @('-nodefaults', '-display', 'none', '-machine', 'q35', '-accel', 'tcg', '-m', '64', '-S')
        Wait-LabQemuSocket $script:LabQemu $socket $errorLog
        $buses = Invoke-LabQmp $socket @('query-pci')
        Assert-LabEqual $id (@(Get-LabQemuVfioDevice $buses[0] | ForEach-Object qdev_id) -join ',') 'vfio-pci devices behind the vIOMMU (query-pci)'
        $null = Invoke-LabQmp $socket @('quit')
        Assert-Lab $script:LabQemu.WaitForExit(60000) 'QEMU did not exit after QMP quit'
    }
    Stop-LabQemu $script:LabQemu $socket

    Invoke-LabCheck 'qemu.release-deletes-the-file' {
        $null = Set-HdIovHostState -Path (New-LabSpec -Path "$SpecDirectory/qemu-empty.yaml") -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after converging to no devices'
        Assert-Lab (-not (Test-Path -LiteralPath $file)) "$file is still there"
        Assert-Lab (-not (Test-Path -LiteralPath /etc/hdiov/qemu)) '/etc/hdiov/qemu, made by the engine, is still there'
        Assert-LabEqual $hadEtcHdiov (Test-Path /etc/hdiov) '/etc/hdiov exists as before the scenario'
    }
}
