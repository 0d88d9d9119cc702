BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $sprRoot = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'spr')).Path
    $pasidOffRoot = (New-HdIovSimulatedHost -Profile spr-pasid-off -Path (New-TestHostPath 'pasid-off')).Path
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Get-HdIovHost' -Tag Discovery {
    Context 'on spr-qat-e810' {
        BeforeAll {
            $inventory = Get-HdIovHost -HostRoot $sprRoot
        }

        It 'names the platform and the simulated root' {
            $inventory.HostRoot | Should -Be $sprRoot
            $inventory.Simulated | Should -BeTrue
            $inventory.Platform | Should -Be 'Sapphire Rapids'
            $inventory.Sockets | Should -Be 2
            $inventory.CommandLine | Should -BeLike '*intel_iommu=on,sm_on*'
        }

        It 'reports every VT-d unit in scalable mode with PASID' {
            $inventory.IommuUnits.Count | Should -BeGreaterThan 0
            $inventory.IommuUnits | ForEach-Object {
                $_.ScalableMode | Should -BeTrue
                $_.Pasid | Should -BeTrue
                $_.PasidBits | Should -BeGreaterThan 0
            }
        }

        It 'lists the eight QAT 4xxx PFs and the E810 port as splittable devices' {
            @($inventory.Devices | Where-Object Id -eq '8086:4940').Count | Should -Be 8
            $inventory.Devices.PciAddress | Should -Contain '0000:16:00.0'
        }

        It 'has no blocker and says it is ready' {
            @($inventory.Findings | Where-Object Level -eq 'Blocker') | Should -BeNullOrEmpty
            $inventory.Ready | Should -BeTrue
        }

        It 'writes the whole inventory as JSON with -AsJson, nested rows included' {
            $back = Get-HdIovHost -HostRoot $sprRoot -AsJson | ConvertFrom-Json
            $back.IommuUnits.Count | Should -Be $inventory.IommuUnits.Count
            $back.Devices[0].PciAddress | Should -Be $inventory.Devices[0].PciAddress
            $qat = $back.Devices | Where-Object pciAddress -eq '0000:6b:00.0'
            $qat.family | Should -Be 'Qat4xxx'
            @($qat.capacity).Count | Should -Be @(($inventory.Devices | Where-Object PciAddress -eq '0000:6b:00.0').Capacity).Count
        }

        It 'returns the same objects as Get-HdIovDevice and Get-HdIovVirtualDevice' {
            $inventory.Devices[0] | Should -BeOfType 'HdIov.PowerShell.Inventory.PhysicalFunctionInfo'
            $inventory.Devices.PciAddress | Should -Be @(Get-HdIovDevice -HostRoot $sprRoot).PciAddress
            $inventory.Devices.Mode | Should -Be @(Get-HdIovDevice -HostRoot $sprRoot).Mode
            @($inventory.VirtualDevices).Count | Should -Be @(Get-HdIovVirtualDevice -HostRoot $sprRoot).Count
        }

        It 'formats as a readable list with one line per VT-d unit' {
            $text = $inventory | Out-String -Width 200
            $text | Should -Match 'Platform\s+: Sapphire Rapids'
            foreach ($unit in $inventory.IommuUnits) {
                $text | Should -Match ([regex]::Escape($unit.Name) + '\s+0x[0-9a-f]+\s+scalable mode yes\s+PASID yes')
            }
        }

        It 'uses $env:HDIOV_HOST_ROOT when -HostRoot is not given' {
            $env:HDIOV_HOST_ROOT = $sprRoot
            try {
                (Get-HdIovHost).HostRoot | Should -Be $sprRoot
            }
            finally {
                Remove-Item Env:HDIOV_HOST_ROOT
            }
        }

        It 'changes nothing on the host' {
            $before = Get-TreeSnapshot $sprRoot
            Get-HdIovHost -HostRoot $sprRoot | Out-Null
            Get-TreeSnapshot $sprRoot | Should -Be $before
        }
    }

    Context 'on spr-pasid-off' {
        BeforeAll {
            $inventory = Get-HdIovHost -HostRoot $pasidOffRoot
        }

        It 'shows scalable mode without PASID on the VT-d units' {
            $inventory.IommuUnits | ForEach-Object {
                $_.ScalableMode | Should -BeTrue
                $_.Pasid | Should -BeFalse
            }
        }

        It 'reports the missing PASID as a blocker with a fix' {
            $blocker = @($inventory.Findings | Where-Object { $_.Level -eq 'Blocker' -and $_.Code -eq 'HDIOV4003' })
            $blocker | Should -Not -BeNullOrEmpty
            $blocker[0].Fix | Should -Not -BeNullOrEmpty
            $inventory.Ready | Should -BeFalse
        }

        It 'shows the blocker in its formatted output' {
            $inventory | Out-String -Width 200 | Should -Match '\[Blocker\] HDIOV4003'
        }
    }

    Context 'with a bad host root' {
        It 'reports a missing folder as not found' {
            $failure = { Get-HdIovHost -HostRoot (Join-Path $TestDrive 'absent') } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
            $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'refuses a folder that is not a host and says how to make one' {
            $plain = New-Item -ItemType Directory (Join-Path $TestDrive 'plain')
            $failure = { Get-HdIovHost -HostRoot $plain.FullName } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'NotAHostRoot,*'
            $failure.Exception.Message | Should -BeLike '*New-HdIovSimulatedHost*'
        }
    }
}

Describe 'Get-HdIovHost with VMs on the host''s libvirt' -Tag Libvirt {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'HdIov.LibvirtTestHelpers.psm1') -Force
        $daemon = Start-TestLibvirtd
        $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'viommu')).Path
        Set-SimulatedLibvirtUri -Root $root -Daemon $daemon
        Set-HdIovHostState -Path (Join-Path $PSScriptRoot 'TestData' 'qat-two-pfs.yaml') -HostRoot $root -Confirm:$false | Out-Null
        $qat = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'qat/0/asym/0'
        New-TestDomain $daemon 'qat-vm' "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='$($qat.Uuid)'/></source></hostdev>"
        $finding = @((Get-HdIovHost -HostRoot $root).Findings | Where-Object Code -eq 'HDIOV4016')
    }

    AfterAll {
        Stop-TestLibvirtd $daemon
    }

    It 'warns that a VM receiving QAT VDEVs gives its guest no scalable-mode vIOMMU, and says what is missing' {
        $finding.Count | Should -Be 1
        $finding[0].Level | Should -Be 'Warning'
        $finding[0].Subject | Should -Be 'VM qat-vm'
        $finding[0].Message | Should -BeLike '*qat/0/asym/0*'
        $finding[0].Message | Should -BeLike "*<iommu model='intel'>*"
        $finding[0].Fix | Should -BeLike '*virsh -c qemu:///system edit qat-vm*'
    }
}
