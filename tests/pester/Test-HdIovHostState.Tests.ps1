BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $spec = Get-TestSpecPath 'qat-two-pfs.yaml'
    $mixed = Get-TestSpecPath 'mixed-split.yaml'

    # Writes as a person would make them on the host: through the kernel's attributes and files, not through HdIov.
    function Get-RawHost([string] $Root) {
        (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($Root)
    }

    function Get-Drift([string] $Root) {
        @(Test-HdIovHostState -Path $mixed -HostRoot $Root -Detailed -WarningAction SilentlyContinue)
    }

    function Get-Single([object[]] $Items) {
        $Items | Should -HaveCount 1 -Because ($Items | Format-Table Kind, Address, Reason | Out-String)
        $Items[0]
    }

    function Sync-Host([string] $Root) {
        Set-HdIovHostState -Path $mixed -HostRoot $Root -Force -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        Test-HdIovHostState -Path $mixed -HostRoot $Root | Should -BeExactly $true
    }
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

    It 'returns Declared drift items with -Detailed, each naming the plan steps that fix it, and changes nothing' {
        $before = Get-TreeSnapshot $root

        $drift = Test-HdIovHostState -Path $spec -HostRoot $root -Detailed

        $drift | ForEach-Object { $_ | Should -BeOfType ([HdIov.PowerShell.Inventory.DriftItemInfo]) }
        $drift | ForEach-Object Kind | Sort-Object -Unique | Should -Be 'Declared'
        $drift | ForEach-Object Address | Should -Contain 'qat/0/asym/0'
        $steps = (Get-HdIovPlan -Path $spec -HostRoot $root).Steps
        @($drift | ForEach-Object Steps | Sort-Object) | Should -Be @($steps.Id | Sort-Object)
        Get-TreeSnapshot $root | Should -Be $before
    }

    It 'formats the items as a table and converts them to JSON with text kinds' {
        $vdev = Test-HdIovHostState -Path $spec -HostRoot $root -Detailed | Where-Object Address -eq 'qat/0/asym/0'
        $table = $vdev | Format-Table | Out-String -Width 300

        $table | Should -Match 'Kind\s+Address\s+Expected\s+Actual\s+Disruption'
        $json = $vdev | ConvertTo-Json | ConvertFrom-Json
        $json.Kind | Should -BeExactly 'Declared'
        $json.Disruption | Should -BeExactly 'None'
        $json.Actual | Should -BeExactly 'absent'
        $json.IsDrift | Should -BeTrue
    }

    It 'returns $true after the host is converged, with no drift' {
        Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false | Out-Null

        Test-HdIovHostState -Path $spec -HostRoot $root | Should -BeExactly $true
        Test-HdIovHostState -Path $spec -HostRoot $root -Detailed | Should -BeNullOrEmpty
    }

    It 'returns $false again when a declared VDEV is removed behind its back' {
        $victim = @((Get-HdIovHost -HostRoot $root).VirtualDevices | Where-Object Kind -eq 'mdev') | Where-Object VdevName -eq 'qat/0/asym/0'
        $victim | Should -Not -BeNullOrEmpty
        (Get-RawHost $root).WriteAttribute("/sys/bus/mdev/devices/$($victim.Uuid)/remove", '1')

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

Describe 'Test-HdIovHostState -Detailed after each kind of change' -Tag Planning {
    BeforeAll {
        $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'drift')).Path
        Sync-Host $root
    }

    It 'reports an owned VDEV removed through sysfs as ChangedOutside at its name' {
        $victim = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'qat/0/dc/0'
        (Get-RawHost $root).WriteAttribute("/sys/bus/mdev/devices/$($victim.Uuid)/remove", '1')

        $item = Get-Single (Get-Drift $root)
        $item.Kind | Should -BeExactly 'ChangedOutside'
        $item.Address | Should -BeExactly 'qat/0/dc/0'
        $item.Expected | Should -Match $victim.Uuid
        $item.Actual | Should -BeExactly 'absent'
        Sync-Host $root
    }

    It 'reports a deleted mdevctl definition as ChangedOutside at the VDEV it persists' {
        $vdev = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'qat/0/asym/1'
        (Get-RawHost $root).DeleteFile("/etc/mdevctl.d/$($vdev.Parent)/$($vdev.Uuid)")

        $item = Get-Single (Get-Drift $root)
        ($item.Kind, $item.Address) | Should -Be @('ChangedOutside', 'qat/0/asym/1')
        Sync-Host $root
    }

    It 'reports a VF count changed by hand as ChangedOutside at the PF''s VFs' {
        $raw = Get-RawHost $root
        $raw.WriteAttribute('/sys/bus/pci/devices/0000:f7:00.0/sriov_numvfs', '0')
        $raw.WriteAttribute('/sys/bus/pci/devices/0000:f7:00.0/sriov_numvfs', '1')

        $item = Get-Single (Get-Drift $root)
        ($item.Kind, $item.Address, $item.Expected, $item.Actual) | Should -Be @('ChangedOutside', 'qat-vf/0/vfs', '2 VFs', '1 VFs')
        $item.Disruption | Should -BeExactly 'DeviceReset'
        Sync-Host $root
    }

    It 'reports a grown count in the spec as Declared: the new VDEV, and the QAT PF reconfigured to hold it' {
        $grown = Join-Path (New-TestHostPath 'grown') 'host.yaml'
        New-Item -ItemType Directory -Path (Split-Path $grown) | Out-Null
        (Get-Content -Raw $mixed) -replace 'asym: 2, dc: 1', 'asym: 3, dc: 1' | Set-Content -Path $grown

        $drift = @(Test-HdIovHostState -Path $grown -HostRoot $root -Detailed)

        $drift | ForEach-Object { "$($_.Kind) $($_.Address) $($_.Disruption)" } |
            Should -Be @('Declared qat/0 DeviceReset', 'Declared qat/0/asym/2 None')
        ($drift | Where-Object Address -eq 'qat/0').Reason | Should -Match 'more VDEVs'
    }

    It 'lists a VDEV created on request as Unmanaged, which is not drift' {
        New-HdIovVirtualDevice -HostRoot $root -ParentAddress 0000:16:00.0 -Type ice-vdcm -Name scratch | Out-Null

        $item = Get-Single (Get-Drift $root)
        ($item.Kind, $item.Address, $item.IsDrift) | Should -Be @('Unmanaged', 'scratch', $false)
        Test-HdIovHostState -Path $mixed -HostRoot $root -WarningAction SilentlyContinue | Should -BeExactly $true
        Remove-HdIovVirtualDevice -HostRoot $root -Name scratch -Confirm:$false | Out-Null
    }

    It 'reports a BIOS change waiting for the reboot as PendingReboot, and $false' {
        (Get-RawHost $root).WriteAttribute('/sys/class/firmware-attributes/hdiov-sim-bios/attributes/PcieEnqCmdSupport/current_value', 'Disabled')

        $item = Get-Single (Get-Drift $root)
        ($item.Kind, $item.Address, $item.Disruption) | Should -Be @('PendingReboot', 'platform/bios', 'HostReboot')
        Test-HdIovHostState -Path $mixed -HostRoot $root -WarningAction SilentlyContinue | Should -BeExactly $false
    }

    It 'reports the PASID lost at that reboot as HardwareChanged, with the refusal as errors' {
        Restart-HdIovSimulatedHost -HostRoot $root -Confirm:$false

        $errors = $null
        $drift = @(Test-HdIovHostState -Path $mixed -HostRoot $root -Detailed -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)

        $item = Get-Single ($drift)
        ($item.Kind, $item.Address) | Should -Be @('HardwareChanged', 'platform/iommu')
        $item.Actual | Should -Match 'PASID'
        @($errors).Count | Should -BeGreaterThan 0
    }

    It 'reports a PF that is now another device as HardwareChanged at its address, and changes nothing' {
        $other = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'other-device')).Path
        Sync-Host $other
        Set-Content -Path (Join-Path $other 'sys/devices/pci0000:16/0000:16:00.0/device') -Value '0x1234'
        $before = Get-TreeSnapshot $other

        $item = Get-Single (Get-Drift $other)

        ($item.Kind, $item.Address, $item.Actual) | Should -Be @('HardwareChanged', '0000:16:00.0', '8086:1234 (Generic)')
        Get-TreeSnapshot $other | Should -Be $before
    }
}
