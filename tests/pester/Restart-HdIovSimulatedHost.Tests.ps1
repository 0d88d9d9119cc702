BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $spec = Get-TestSpecPath 'qat-two-pfs.yaml'
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Restart-HdIovSimulatedHost' -Tag Simulation {
    BeforeAll {
        $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'host')).Path
        Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false | Out-Null
    }

    It 'asks for confirmation at high impact' {
        $command = Get-Command Restart-HdIovSimulatedHost
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
        $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-TreeSnapshot $root
        Restart-HdIovSimulatedHost -HostRoot $root -WhatIf
        Get-TreeSnapshot $root | Should -Be $before
    }

    It 'destroys a VDEV nothing persists and brings back the ones mdevctl starts' {
        $simulated = (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($root)
        $stray = [guid]::NewGuid()
        $free = (Get-HdIovHost -HostRoot $root).MdevTypes | Where-Object { $_.Available -match '^\d+$' -and [int] $_.Available -gt 0 } | Select-Object -First 1
        $free | Should -Not -BeNullOrEmpty
        $simulated.WriteAttribute("/sys/class/mdev_bus/$($free.Parent)/mdev_supported_types/$($free.Type)/create", $stray.ToString())
        @((Get-HdIovHost -HostRoot $root).VirtualDevices | Where-Object Kind -eq 'mdev').Uuid | Should -Contain $stray
        $declared = @(@((Get-HdIovHost -HostRoot $root).VirtualDevices | Where-Object Kind -eq 'mdev') | Where-Object Owned).Uuid

        Restart-HdIovSimulatedHost -HostRoot $root -Confirm:$false | Should -BeNullOrEmpty

        $after = @((Get-HdIovHost -HostRoot $root).VirtualDevices | Where-Object Kind -eq 'mdev')
        $after.Uuid | Should -Not -Contain $stray
        @($after | Where-Object Owned).Uuid | Sort-Object | Should -Be ($declared | Sort-Object)
        Test-HdIovHostState -Path $spec -HostRoot $root | Should -BeExactly $true
    }

    It 'returns the host with -PassThru' {
        $info = Restart-HdIovSimulatedHost -HostRoot $root -Confirm:$false -PassThru
        $info.Path | Should -Be $root
        $info.Profile | Should -Be 'spr-qat-e810'
    }

    It 'boots with the kernel arguments the boot loader was given' {
        $grub = Join-Path $root 'boot' 'grub' 'grub.cfg'
        $text = Get-Content -Raw $grub
        $text.Contains('intel_iommu=on,sm_on') | Should -BeTrue
        Set-Content -Path $grub -Value $text.Replace('intel_iommu=on,sm_on', 'intel_iommu=on,sm_on hdiov_marker=1') -NoNewline

        (Get-HdIovHost -HostRoot $root).CommandLine | Should -Not -BeLike '*hdiov_marker=1*'
        Restart-HdIovSimulatedHost -HostRoot $root -Confirm:$false
        (Get-HdIovHost -HostRoot $root).CommandLine | Should -BeLike '*hdiov_marker=1*'
    }

    It 'refuses this machine and says how to reboot it' {
        $failure = { Restart-HdIovSimulatedHost -HostRoot / -Confirm:$false } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'NotASimulatedHost,*'
        $failure.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failure.Exception.Message | Should -BeLike '*not a simulated host*'
    }
}

Describe 'Restart-HdIovSimulatedHost on a host whose firmware has VT-d off' -Tag Simulation {
    BeforeAll {
        $root = (New-HdIovSimulatedHost -Profile spr-qat-e810-vtd-off -Path (New-TestHostPath 'vtd-off')).Path
        # The main example with its attachments, its BIOS set through the firmware-attributes class, which exposes only VT-d here.
        $example = Get-Content -Raw (Join-Path (Get-RepoRoot) 'examples' 'spr-qat-e810' 'host.yaml')
        $example = $example -replace 'source: redfish', 'source: firmware-attributes' -replace 'settings: \{[^}]*\}', 'settings: { vtd: enabled }'
        $vtdSpec = New-TestHostPath 'vtd-off.yaml'
        Set-Content -LiteralPath $vtdSpec -Value $example -NoNewline
    }

    It 'walks the main example through the reboot that turns VT-d on: plan, apply to the barrier, reboot, apply, converged' {
        $plan = Get-HdIovPlan -Path $vtdSpec -HostRoot $root -WarningAction SilentlyContinue
        @($plan.Steps | Where-Object { $_.Operation.GetType().Name -eq 'SetFirmwareAttribute' }).Operation.To | Should -Be 'Enabled'
        @($plan.Steps | Where-Object { $_.Operation.GetType().Name -in 'CreateMdev', 'AttachVdevToVm', 'SetVfCount' }) | Should -BeNullOrEmpty
        @($plan.Warnings | Where-Object { $_.Code -eq 'HDIOV2005' -and $_.Message -like 'attaching VDEV*the reboot that turns on VT-d and scalable mode*' }).Count | Should -Be 4

        Set-HdIovHostState -Path $vtdSpec -HostRoot $root -Force -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        Test-HdIovHostState -Path $vtdSpec -HostRoot $root -WarningAction SilentlyContinue | Should -BeExactly $false

        Restart-HdIovSimulatedHost -HostRoot $root -Confirm:$false
        (Get-HdIovHost -HostRoot $root).CommandLine | Should -BeLike '*intel_iommu=on,sm_on*'
        Set-HdIovHostState -Path $vtdSpec -HostRoot $root -Force -Confirm:$false -WarningAction SilentlyContinue | Out-Null

        Test-HdIovHostState -Path $vtdSpec -HostRoot $root | Should -BeExactly $true
        (Get-HdIovPlan -Path $vtdSpec -HostRoot $root).Steps.Count | Should -Be 0
        @((Get-HdIovVirtualDevice -HostRoot $root) | Where-Object VdevName -eq 'qat/0/asym/0').Holders | Should -BeLike 'VM vm01 at qemu:///system (*'
    }
}
