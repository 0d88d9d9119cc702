# Scenario 6: the apply process is killed after k of n creates; the next apply converges without leaks.
# Expects no mdev on mtty when it starts; leaves none behind.

function Invoke-CrashScenario([string] $SpecDirectory, [string] $LabProbe) {
    $counts = [ordered]@{ 'mtty-1' = 6 }
    $spec = New-LabSpec -Path "$SpecDirectory/crash.yaml" -Mtty $counts
    $createsBeforeKill = 3

    Invoke-LabCheck 'crash.killed-after-k-of-n-creates' {
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($argument in $LabProbe, 'apply-stall', $spec, "$createsBeforeKill") {
            $start.ArgumentList.Add($argument)
        }
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $apply = [System.Diagnostics.Process]::Start($start)
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(180)
            $line = $null
            while ([DateTime]::UtcNow -lt $deadline) {
                $line = $apply.StandardOutput.ReadLine()
                if ($null -eq $line -or $line -like 'stalled*') {
                    break
                }
            }
            Assert-LabEqual "stalled after $createsBeforeKill creates" $line 'what the apply printed before it was killed'
        }
        finally {
            $apply.Kill()
            $apply.WaitForExit()
        }
        Assert-LabEqual $createsBeforeKill @(Get-LabMdev).Count 'mdevs left by the killed apply'
    }

    Invoke-LabCheck 'crash.next-apply-converges' {
        $result = Set-HdIovHostState -Path $spec -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual ($counts['mtty-1'] - $createsBeforeKill) @($result.Completed | Where-Object { $_.Operation -is (Get-LabEngineType 'HdIov.Engine.Planning.CreateMdev') }).Count 'creates done by the next apply'
        Assert-LabMdevSet $counts
        Assert-LabEqual (Get-LabExpectedUuid $counts) @((Get-LabMdevctlFile).Keys) 'mdevctl definitions after the next apply'
        Assert-LabEqual 0 (Get-HdIovPlan -Path $spec -HostRoot / -ErrorAction Stop).Steps.Length 'steps planned after the next apply'
        $owned = @(Get-HdIovVirtualDevice -HostRoot / | Where-Object Owned)
        Assert-LabEqual $counts['mtty-1'] $owned.Count 'VDEVs the engine owns'
    }

    Invoke-LabCheck 'crash.cleanup-converge' {
        $null = Set-HdIovHostState -Path (New-LabSpec -Path "$SpecDirectory/crash-empty.yaml") -HostRoot / -Confirm:$false -ErrorAction Stop
        Assert-LabEqual 0 @(Get-LabMdev).Count 'mdevs after converging to no devices'
        Assert-LabEqual 0 (Get-LabMdevctlFile).Count 'mdevctl definitions after converging to no devices'
    }
}
