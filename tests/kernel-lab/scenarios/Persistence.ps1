# Scenario 4: VDEVs survive a host reboot. The engine writes mdevctl definitions with start "auto"; at boot,
# mdevctl's udev rule starts them when the mtty parent registers (on Debian 12 only with the rule's program path
# corrected, which guest/run-phase.sh does). Without autostart, converging again re-creates them with the same
# UUIDs, which the UUIDs derived from the host and VDEV names guarantee. The first boot converges and checks what the real
# mdevctl lists; the second boot (same overlay state, fresh kernel) checks the VDEVs came back with the same UUIDs
# before the engine ran, and that converging again changes nothing.

$script:PersistedCounts = [ordered]@{ 'mtty-1' = 2; 'mtty-2' = 1 }

# `mdevctl list` lines: <uuid> <parent> <type> <start> [(defined)] / (active and defined)
function Get-LabMdevctlList([string[]] $Options) {
    $lines = @(& mdevctl list @Options 2>&1)
    if ($LASTEXITCODE -ne 0) {
        throw "mdevctl list $($Options -join ' ') exited with $LASTEXITCODE`: $lines"
    }
    @($lines | Where-Object { $_ -match '^[0-9a-f-]{36} ' } | ForEach-Object {
            $fields = $_ -split '\s+'
            [pscustomobject]@{ Uuid = $fields[0]; Parent = $fields[1]; Type = $fields[2]; Start = $fields[3] }
        } | Sort-Object Uuid)
}

function Get-LabPersistedExpectation {
    @(foreach ($type in $script:PersistedCounts.Keys) {
            for ($ordinal = 0; $ordinal -lt $script:PersistedCounts[$type]; $ordinal++) {
                [pscustomobject]@{ Uuid = "$(Get-LabVdevUuid "mtty/0/$type/$ordinal")".ToLowerInvariant(); Type = $type }
            }
        }) | Sort-Object Uuid
}

function Assert-LabMdevctlDefined([string] $When) {
    $expected = Get-LabPersistedExpectation
    $defined = Get-LabMdevctlList @('--defined')
    Assert-LabEqual ($expected | ForEach-Object { "$($_.Uuid) mtty $($_.Type) auto" }) ($defined | ForEach-Object { "$($_.Uuid) $($_.Parent) $($_.Type) $($_.Start)" }) "mdevctl list --defined $When"
}

function Invoke-PersistenceBeforeReboot([string] $SpecDirectory) {
    $spec = New-LabSpec -Path "$SpecDirectory/persistent.yaml" -Mtty $script:PersistedCounts

    Invoke-LabCheck 'persistence.converge' {
        $null = Set-HdIovHostState -Path $spec -HostRoot / -Confirm:$false -ErrorAction Stop
        $expected = Get-LabPersistedExpectation
        Assert-LabEqual ($expected | ForEach-Object { "$($_.Uuid):$($_.Type)" }) (Get-LabMdev | ForEach-Object { "$($_.Uuid):$($_.Type)" }) 'live mdevs'
    }

    Invoke-LabCheck 'persistence.mdevctl-lists-definitions' {
        Assert-LabMdevctlDefined 'after converging'
        $active = Get-LabMdevctlList @()
        Assert-LabEqual ((Get-LabPersistedExpectation).Uuid) ($active.Uuid) 'mdevctl list (active devices)'
    }
}

function Invoke-PersistenceAfterReboot([string] $SpecDirectory) {
    $spec = "$SpecDirectory/persistent.yaml"

    Invoke-LabCheck 'persistence.autostarted-same-uuids' {
        $expected = Get-LabPersistedExpectation
        Assert-LabEqual ($expected | ForEach-Object { "$($_.Uuid):$($_.Type)" }) (Get-LabMdev | ForEach-Object { "$($_.Uuid):$($_.Type)" }) 'mdevs started at boot (before any engine run)'
        Assert-LabMdevctlDefined 'after the reboot'
    }

    Invoke-LabCheck 'persistence.converge-after-reboot-no-steps' {
        Assert-Lab (Test-Path -LiteralPath $spec) "the spec written before the reboot is gone: $spec"
        Assert-LabEqual 0 (Get-HdIovPlan -Path $spec -HostRoot / -ErrorAction Stop).Steps.Length 'steps planned after the reboot'
        $owned = @(Get-HdIovVirtualDevice -HostRoot / | Where-Object Owned | ForEach-Object VdevName | Sort-Object)
        Assert-LabEqual 'mtty/0/mtty-1/0,mtty/0/mtty-1/1,mtty/0/mtty-2/0' ($owned -join ',') 'VDEVs the engine owns after the reboot'
    }

    # A host whose mdevctl did not start them (Debian 12's packaged rule): the next converge brings them back.
    Invoke-LabCheck 'persistence.converge-recreates-same-uuids' {
        foreach ($mdev in Get-LabMdev) {
            [System.IO.File]::WriteAllText("/sys/bus/mdev/devices/$($mdev.Uuid)/remove", '1')
        }
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after removing them by hand'
        $result = Set-HdIovHostState -Path $spec -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 3 @($result.Completed | Where-Object { $_.Operation -is (Get-LabEngineType 'HdIov.Engine.Planning.CreateMdev') }).Count 'creates done by the converge'
        $expected = Get-LabPersistedExpectation
        Assert-LabEqual ($expected | ForEach-Object { "$($_.Uuid):$($_.Type)" }) (Get-LabMdev | ForEach-Object { "$($_.Uuid):$($_.Type)" }) 'mdevs re-created by the converge'
        Assert-LabMdevctlDefined 'after the converge'
    }
}
