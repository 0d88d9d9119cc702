BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $spec = Get-TestSpecPath 'qat-two-pfs.yaml'
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Test-HdIovHostState' -Tag Planning {
    BeforeAll {
        $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'host')).Path
    }

    It 'returns $false on a host that lacks the declared VDEVs' {
        Test-HdIovHostState -Path $spec -HostRoot $root | Should -BeExactly $false
    }

    It 'returns the drift as plan steps with -Detailed' {
        $drift = Test-HdIovHostState -Path $spec -HostRoot $root -Detailed
        $drift.Count | Should -Be (Get-HdIovPlan -Path $spec -HostRoot $root).Steps.Count
        $drift | ForEach-Object { $_ | Should -BeOfType (Get-HdIovEngineType 'HdIov.Engine.Planning.PlanStep') }
    }

    It 'returns $true after the host is converged, with no drift' {
        Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false | Out-Null

        Test-HdIovHostState -Path $spec -HostRoot $root | Should -BeExactly $true
        Test-HdIovHostState -Path $spec -HostRoot $root -Detailed | Should -BeNullOrEmpty
    }

    It 'returns $false again when a declared VDEV is removed behind its back' {
        $victim = (Get-HdIovHost -HostRoot $root).Vdevs | Where-Object Name -eq 'qat/0/asym/0'
        $victim | Should -Not -BeNullOrEmpty
        $simulated = (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($root)
        $simulated.WriteAttribute("/sys/bus/mdev/devices/$($victim.Uuid)/remove", '1')

        Test-HdIovHostState -Path $spec -HostRoot $root | Should -BeExactly $false
        Test-HdIovHostState -Path $spec -HostRoot $root -Detailed | ForEach-Object Address | Should -Contain 'qat/0/asym/0'
    }

    It 'answers $false with the reasons as errors when the plan is impossible' {
        $pasidOff = (New-HdIovSimulatedHost -Profile spr-pasid-off -Path (New-TestHostPath 'pasid-off')).Path
        $errors = $null

        Test-HdIovHostState -Path $spec -HostRoot $pasidOff -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeExactly $false

        @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'HDIOV2004,*' }) | Should -Not -BeNullOrEmpty
    }
}
