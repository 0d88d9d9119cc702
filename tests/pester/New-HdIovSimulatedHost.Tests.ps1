BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'New-HdIovSimulatedHost' -Tag Simulation {
    It 'creates a host folder laid out like / and says which profile it is' {
        $root = New-TestHostPath 'created'

        $created = New-HdIovSimulatedHost -Profile spr-qat-e810 -Path $root

        $created.Path | Should -Be $root
        $created.Profile | Should -Be 'spr-qat-e810'
        $created.Description | Should -Not -BeNullOrEmpty
        Join-Path $root 'sys' 'bus' 'pci' 'devices' '0000:6b:00.0' | Should -Exist
        Join-Path $root 'proc' 'cmdline' | Should -Exist
        Join-Path $root '.hdiov-sim' 'state.json' | Should -Exist
    }

    It 'resolves a PowerShell drive path to the file-system path' {
        New-PSDrive -Name HdIovHosts -PSProvider FileSystem -Root (Get-TestHostsRoot) | Out-Null
        try {
            $created = New-HdIovSimulatedHost -Profile spr-pasid-off -Path 'HdIovHosts:/on-drive'
        }
        finally {
            Remove-PSDrive -Name HdIovHosts
        }

        $created.Path | Should -Be (Join-Path (Get-TestHostsRoot) 'on-drive')
        Join-Path (Get-TestHostsRoot) 'on-drive' 'sys' | Should -Exist
    }

    It 'matches the profile name without regard to case' {
        (New-HdIovSimulatedHost -Profile SPR-QAT-E810 -Path (New-TestHostPath 'upper')).Profile | Should -Be 'spr-qat-e810'
    }

    It 'creates nothing under -WhatIf' {
        $root = New-TestHostPath 'whatif'

        New-HdIovSimulatedHost -Profile spr-qat-e810 -Path $root -WhatIf

        $root | Should -Not -Exist
    }

    It 'refuses an unknown profile and names the known ones' {
        $failure = { New-HdIovSimulatedHost -Profile no-such-profile -Path (New-TestHostPath 'unknown') } |
            Should -Throw -PassThru

        $failure.FullyQualifiedErrorId | Should -BeLike 'UnknownSimulatedHostProfile,*'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.Exception.Message | Should -BeLike '*spr-qat-e810*'
        New-TestHostPath 'unknown' | Should -Not -Exist
    }

    It 'refuses an occupied folder without -Force and replaces the host with it' {
        $root = New-TestHostPath 'again'
        New-HdIovSimulatedHost -Profile spr-qat-e810 -Path $root | Out-Null
        $marker = Join-Path $root 'left-over.txt'
        Set-Content -Path $marker -Value 'from the first host'

        $failure = { New-HdIovSimulatedHost -Profile spr-qat-e810 -Path $root } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'SimulatedHostNotCreated,*'
        $failure.CategoryInfo.Category | Should -Be 'ResourceExists'
        $marker | Should -Exist

        New-HdIovSimulatedHost -Profile spr-pasid-off -Path $root -Force | Out-Null
        $marker | Should -Not -Exist
        (Get-Content -Raw (Join-Path $root '.hdiov-sim' 'state.json')) | Should -BeLike '*spr-pasid-off*'
    }

    It 'never replaces a folder that is not a simulated host, even with -Force' {
        $root = Join-Path $TestDrive 'user-data'
        New-Item -ItemType Directory $root | Out-Null
        Set-Content -Path (Join-Path $root 'precious.txt') -Value 'keep me'

        { New-HdIovSimulatedHost -Profile spr-qat-e810 -Path $root -Force } | Should -Throw

        Get-Content (Join-Path $root 'precious.txt') | Should -Be 'keep me'
    }

    It 'completes -Profile with the profile names' {
        $line = 'New-HdIovSimulatedHost -Profile spr-'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length

        $names = $completion.CompletionMatches.CompletionText
        $names | Should -Contain 'spr-qat-e810'
        $names | Should -Contain 'spr-pasid-off'
        $names | Should -Not -Contain 'mtty-lab'
        ($completion.CompletionMatches | Where-Object CompletionText -eq 'spr-qat-e810').ToolTip | Should -BeLike '*Sapphire Rapids*'
    }
}

Describe 'New-HdIovSimulatedHost: the host''s own libvirt' -Tag Simulation, Libvirt {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'HdIov.LibvirtTestHelpers.psm1') -Force
        Assert-LibvirtComponent
        $example = Join-Path (Get-RepoRoot) 'examples' 'mtty-lab' 'host.yaml'
    }

    It 'starts no libvirtd for commands that need no VM' {
        $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'no-vm')).Path

        Get-HdIovHost -HostRoot $root | Out-Null
        Get-HdIovVirtualDevice -HostRoot $root | Out-Null

        Join-Path $root 'run' 'libvirt' | Should -Not -Exist
        Join-Path $root '.hdiov-sim' 'libvirtd.started' | Should -Not -Exist
    }

    It 'converges the example''s VM attachment into lab-vm01 through the host''s own libvirtd, with no HDIOV2014' {
        $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'vm')).Path

        Set-HdIovHostState -Path $example -HostRoot $root -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null

        @($warnings | Where-Object { "$_" -match 'HDIOV2014' }).Count | Should -Be 0
        $held = @(Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object { $_.Holders -match '^VM lab-vm01 at qemu:///system' })
        $held.VdevName | Sort-Object | Should -Be @('mtty/0/mtty-1/0', 'mtty/0/mtty-2/0')
        $socket = Join-Path $root 'run' 'libvirt' 'libvirt-sock'
        $xml = (& virsh -c "qemu+unix:///session?socket=$socket" dumpxml --inactive lab-vm01 2>&1) -join "`n"
        $LASTEXITCODE | Should -Be 0 -Because $xml
        foreach ($uuid in $held.Uuid) { $xml | Should -Match "uuid='$uuid'" }
        Test-HdIovHostState -Path $example -HostRoot $root | Should -BeTrue
    }

    It 'finds the VM''s hostdevs again after a reboot stopped its libvirtd' {
        $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'vm-reboot')).Path
        Set-HdIovHostState -Path $example -HostRoot $root -WarningAction SilentlyContinue | Out-Null

        Restart-HdIovSimulatedHost -HostRoot $root -Confirm:$false
        Join-Path $root 'run' 'libvirt' 'libvirt-sock' | Should -Not -Exist

        $plan = Get-HdIovPlan -Path $example -HostRoot $root
        @($plan.Steps | Where-Object { $_.Operation.GetType().Name -eq 'AttachVdevToVm' }).Count | Should -Be 0
        Join-Path $root 'run' 'libvirt' 'libvirt-sock' | Should -Exist
    }
}
