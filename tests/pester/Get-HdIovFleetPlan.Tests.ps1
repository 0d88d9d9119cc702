BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
}

Describe 'Get-HdIovFleetPlan' -Tag Fleet {
    BeforeAll {
        $dir = New-TestHostPath "fleet-plan-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory $dir | Out-Null
        foreach ($name in 'lab-1', 'lab-2', 'lab-3') {
            New-HdIovSimulatedHost -Profile mtty-lab -Path (Join-Path $dir $name) | Out-Null
        }
        $fleet = New-LabFleet $dir 'lab-1', 'lab-2', 'lab-3' -Strategy '  strategy: { waves: [1, 2], throttle: 3 }'
    }

    AfterAll { Remove-TestHostPaths }

    It 'plans every host with its wave and the totals, and changes nothing' {
        $before = foreach ($name in 'lab-1', 'lab-2', 'lab-3') { Get-TreeSnapshot (Join-Path $dir $name) }

        $output = @(Get-HdIovFleetPlan -Path $fleet)

        $output.Count | Should -Be 4
        $hosts = $output | Select-Object -First 3
        $hosts.Host | Should -Be 'lab-1', 'lab-2', 'lab-3'
        $hosts.Wave | Should -Be 1, 2, 2
        $hosts | ForEach-Object { $_.Status | Should -Be 'Changes'; $_.VdevsCreated | Should -Be 2; $_.NeedsReboot | Should -BeFalse }
        $summary = $output[3]
        $summary.Hosts | Should -Be 3
        $summary.Waves | Should -Be 2
        $summary.HostsWithChanges | Should -Be 3
        $summary.VdevsCreated | Should -Be 6
        $summary.NoChanges | Should -BeFalse
        $after = foreach ($name in 'lab-1', 'lab-2', 'lab-3') { Get-TreeSnapshot (Join-Path $dir $name) }
        $after | Should -Be $before
    }

    It '-Quiet is $false while a host has changes and $true once the fleet is converged' {
        Get-HdIovFleetPlan -Path $fleet -Quiet | Should -BeExactly $false

        Invoke-HdIovFleetRollout -Path $fleet | Out-Null

        Get-HdIovFleetPlan -Path $fleet -Quiet | Should -BeExactly $true
        (Get-HdIovFleetPlan -Path $fleet | Select-Object -Last 1).NoChanges | Should -BeTrue
    }

    It 'reports a host whose root does not exist as unreachable, with an error record' {
        $gone = New-LabFleet $dir 'lab-1', 'gone-1'
        $errors = $null

        $output = @(Get-HdIovFleetPlan -Path $gone -ErrorVariable errors -ErrorAction SilentlyContinue)

        $output[1].Host | Should -Be 'gone-1'
        $output[1].Status | Should -Be 'Unreachable'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV5009,*'
        $errors[0].Exception.Message | Should -BeLike "*gone-1*does not exist*"
        ($output | Select-Object -Last 1).Unreachable | Should -Be 1
    }

    It 'reports an ssh host that nothing answers as unreachable, with ssh''s reason, and plans the others' {
        # Port 1 on loopback: nothing listens there, so the connection is refused at once.
        $ssh = New-LabFleet $dir 'lab-1' -Extra "    - { name: far-1, transport: { ssh: { host: 127.0.0.1, port: 1 } }, values: { ports: 1 } }"
        $before = Get-TreeSnapshot (Join-Path $dir 'lab-1')
        $errors = $null

        $output = @(Get-HdIovFleetPlan -Path $ssh -ErrorVariable errors -ErrorAction SilentlyContinue)

        $far = $output | Where-Object { $_.PSObject.Properties['Host'] -and $_.Host -eq 'far-1' }
        $far.Status | Should -Be 'Unreachable'
        @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.Exception.Message -like '*far-1*refused*' }).Count | Should -Be 1
        ($output | Select-Object -Last 1).Unreachable | Should -Be 1
        Get-TreeSnapshot (Join-Path $dir 'lab-1') | Should -Be $before
    }
}
