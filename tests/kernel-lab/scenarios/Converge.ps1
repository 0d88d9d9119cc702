# Scenario 2: converge mtty VDEVs on the real kernel: create, converge again, grow, shrink, over-capacity, and a
# device made outside the engine. Expects no mdev on mtty when it starts; leaves none behind.

function Get-LabExpectedUuid([System.Collections.IDictionary] $Counts) {
    @(foreach ($type in $Counts.Keys) {
            for ($ordinal = 0; $ordinal -lt $Counts[$type]; $ordinal++) {
                "$(Get-LabVdevUuid "mtty/0/$type/$ordinal")".ToLowerInvariant()
            }
        }) | Sort-Object
}

function Assert-LabMdevSet([System.Collections.IDictionary] $Counts, [string[]] $Extra = @()) {
    $expected = @(@(Get-LabExpectedUuid $Counts) + $Extra | Sort-Object)
    $actual = @(Get-LabMdev | ForEach-Object Uuid)
    Assert-LabEqual ($expected -join ' ') ($actual -join ' ') 'live mdev UUIDs'
}

function Invoke-ConvergeScenario([string] $SpecDirectory) {
    $small = [ordered]@{ 'mtty-1' = 4; 'mtty-2' = 2 }
    $smallSpec = New-LabSpec -Path "$SpecDirectory/converge-small.yaml" -Mtty $small
    $foreign = '0c0ffee0-0000-4000-8000-00000000f00d'

    Invoke-LabCheck 'converge.create' {
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs before the first converge'
        $result = Set-HdIovHostState -Path $smallSpec -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 6 $result.Completed.Length 'steps done'
        Assert-LabMdevSet $small
        foreach ($mdev in Get-LabMdev) {
            $type = if ((Get-LabExpectedUuid ([ordered]@{ 'mtty-1' = 4 })) -contains $mdev.Uuid) { 'mtty-1' } else { 'mtty-2' }
            Assert-LabEqual $type $mdev.Type "type of $($mdev.Uuid)"
        }
        $available = Get-LabAvailable
        Assert-LabEqual '16,8' "$($available['mtty-1']),$($available['mtty-2'])" 'available_instances after 4 x mtty-1 and 2 x mtty-2'
    }

    Invoke-LabCheck 'converge.again-no-steps' {
        $plan = Get-HdIovPlan -Path $smallSpec -HostRoot / -ErrorAction Stop
        Assert-LabEqual 0 $plan.Steps.Length 'steps planned on a converged host'
        $result = Set-HdIovHostState -Path $smallSpec -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 0 $result.Completed.Length 'steps done by a second converge'
        Assert-LabMdevSet $small
    }

    Invoke-LabCheck 'converge.outside-mdev-made' {
        [System.IO.File]::WriteAllText((Get-LabMttyCreatePath 'mtty-1'), $foreign)
        Assert-Lab ((Get-LabMdev).Uuid -contains $foreign) 'the mdev created with echo is not listed in sysfs'
        $plan = Get-HdIovPlan -Path $smallSpec -HostRoot / -ErrorAction Stop
        Assert-LabEqual 0 $plan.Steps.Length 'steps planned with an unowned mdev present (ownership keep)'
    }

    $grown = [ordered]@{ 'mtty-1' = 6; 'mtty-2' = 3 }
    $grownSpec = New-LabSpec -Path "$SpecDirectory/converge-grown.yaml" -Mtty $grown
    Invoke-LabCheck 'converge.grow' {
        $plan = Get-HdIovPlan -Path $grownSpec -HostRoot / -ErrorAction Stop
        $creates = @($plan.Steps | Where-Object { $_.Operation -is (Get-LabEngineType 'HdIov.Engine.Planning.CreateMdev') })
        Assert-LabEqual 3 $creates.Count 'creates planned'
        Assert-LabEqual 3 $plan.Steps.Length 'steps planned (creates only)'
        $null = Set-HdIovHostState -Path $grownSpec -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabMdevSet $grown @($foreign)
    }

    $shrunk = [ordered]@{ 'mtty-1' = 3; 'mtty-2' = 1 }
    $shrunkSpec = New-LabSpec -Path "$SpecDirectory/converge-shrunk.yaml" -Mtty $shrunk
    Invoke-LabCheck 'converge.shrink-owned-newest-first' {
        $plan = Get-HdIovPlan -Path $shrunkSpec -HostRoot / -ErrorAction Stop
        $removes = @($plan.Steps | Where-Object { $_.Operation -is (Get-LabEngineType 'HdIov.Engine.Planning.RemoveMdev') })
        Assert-LabEqual 5 $removes.Count 'removes planned'
        Assert-Lab (-not ($removes.Operation.Uuid | Where-Object { "$_" -eq $foreign })) 'the unowned mdev is planned for removal'
        $order = @($removes | Where-Object { $_.Operation.Type -eq 'mtty-1' } | ForEach-Object { $_.Operation.VdevName })
        Assert-LabEqual 'mtty/0/mtty-1/5,mtty/0/mtty-1/4,mtty/0/mtty-1/3' ($order -join ',') 'mtty-1 removal order'
        $null = Set-HdIovHostState -Path $shrunkSpec -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabMdevSet $shrunk @($foreign)
    }

    Invoke-LabCheck 'converge.over-capacity-refused-at-plan' {
        $before = @(Get-LabMdev | ForEach-Object Uuid) -join ' '
        $tooMany = New-LabSpec -Path "$SpecDirectory/converge-too-many.yaml" -Mtty ([ordered]@{ 'mtty-1' = 25 })
        $refusal = $null
        try {
            $null = Set-HdIovHostState -Path $tooMany -HostRoot / -Confirm:$false -ErrorAction Stop
        }
        catch {
            $refusal = $_
        }
        Assert-Lab ($null -ne $refusal) 'a spec asking for 25 mtty-1 VDEVs was not refused'
        Assert-Lab ($refusal.FullyQualifiedErrorId -like 'HDIOV2002*') "error id: $($refusal.FullyQualifiedErrorId)"
        Assert-Lab ($refusal.Exception.Message -match 'mtty-1' -and $refusal.Exception.Message -match 'available') "message: $($refusal.Exception.Message)"
        Assert-LabEqual $before (@(Get-LabMdev | ForEach-Object Uuid) -join ' ') 'mdevs after the refused spec'
    }

    Invoke-LabCheck 'converge.outside-mdev-left-alone' {
        Assert-Lab ((Get-LabMdev).Uuid -contains $foreign) 'the mdev made outside the engine is gone'
        $empty = New-LabSpec -Path "$SpecDirectory/converge-empty.yaml"
        $null = Set-HdIovHostState -Path $empty -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual $foreign (@(Get-LabMdev | ForEach-Object Uuid) -join ' ') 'mdevs after converging to no devices'
        [System.IO.File]::WriteAllText("/sys/bus/mdev/devices/$foreign/remove", '1')
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after removing the unowned one by hand'
    }
}
