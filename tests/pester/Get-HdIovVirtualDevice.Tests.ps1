BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $spec = Get-TestSpecPath 'mixed-split.yaml'
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Get-HdIovVirtualDevice' -Tag Discovery {
    Context 'on a host split into VDEVs and VFs' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'split')).Path
            Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false | Out-Null
            $simulated = (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($root)
            $stray = [guid]::NewGuid()
            $simulated.WriteAttribute('/sys/class/mdev_bus/0000:6b:00.0/mdev_supported_types/4xxx-vqat_dc/create', $stray.ToString())
            $held = $simulated.ReadText('/var/lib/hdiov/ledger.json') | ConvertFrom-Json |
                ForEach-Object entries | Where-Object { $_.PSObject.Properties['vdevName'] -and $_.vdevName -eq 'qat/0/asym/1' } | ForEach-Object uuid
            New-Item -ItemType Directory -Path (Join-Path $root 'proc' '4321') | Out-Null
            [System.IO.File]::WriteAllText((Join-Path $root 'proc' '4321' 'cmdline'), "qemu-system-x86_64`0-device`0vfio-pci,sysfsdev=/sys/bus/mdev/devices/$held`0")
            $devices = Get-HdIovVirtualDevice -HostRoot $root
        }

        It 'shows who holds a device: a QEMU started by hand that names it' {
            ($devices | Where-Object VdevName -eq 'qat/0/asym/1').Holders |
                Should -Be @("process 4321 (names it with sysfsdev=): qemu-system-x86_64 -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$held")
            ($devices | Where-Object VdevName -eq 'qat/0/asym/0').Holders | Should -BeNullOrEmpty
        }

        It 'lists every mdev and every VF' {
            @($devices | Where-Object Kind -eq 'mdev').Count | Should -Be 6
            @($devices | Where-Object Kind -eq 'vf').Id | Should -Be @('0000:f7:00.1', '0000:f7:00.2')
        }

        It 'names the VDEVs the engine created, with the mdevctl definitions that bring them back' {
            $asym = $devices | Where-Object VdevName -eq 'qat/0/asym/0'
            $asym.Owned | Should -BeTrue
            $asym.Parent | Should -Be '0000:6b:00.0'
            $asym.Type | Should -Be '4xxx-vqat_asym'
            $asym.Id | Should -Be $asym.Uuid.ToString()
            $asym.IommuGroup | Should -BeOfType [int]
            $asym.Persistence | Should -Be 'mdevctl'
            Join-Path $root 'etc' 'mdevctl.d' '0000:6b:00.0' $asym.Id | Should -Exist
        }

        It 'shows E810 VDEVs as persisted by the engine''s ledger' {
            $nic = @($devices | Where-Object Parent -eq '0000:16:00.0')
            $nic.VdevName | Should -Be @('nic/0/ice-vdcm/0', 'nic/0/ice-vdcm/1')
            $nic.Persistence | Sort-Object -Unique | Should -Be 'hdiov'
        }

        It 'shows a hand-made VDEV as not owned and not persisted' {
            $hand = $devices | Where-Object Uuid -eq $stray
            $hand.Owned | Should -BeFalse
            $hand.VdevName | Should -BeNullOrEmpty
            $hand.Persistence | Should -Be 'none'
        }

        It 'shows VFs with their PCI address, driver and owner' {
            $vf = $devices | Where-Object Id -eq '0000:f7:00.1'
            $vf.PciAddress | Should -Be '0000:f7:00.1'
            $vf.Uuid | Should -BeNullOrEmpty
            $vf.Parent | Should -Be '0000:f7:00.0'
            $vf.Driver | Should -Be 'vfio-pci'
            $vf.Owned | Should -BeTrue
        }

        It 'lists only owned devices with -Owned' {
            $owned = Get-HdIovVirtualDevice -HostRoot $root -Owned
            @($owned).Count | Should -Be 7
            $owned.Uuid | Should -Not -Contain $stray
        }

        It 'lists one parent''s devices with -Parent' {
            $onQat = Get-HdIovVirtualDevice -HostRoot $root -Parent '0000:6B:00.0'
            @($onQat).Count | Should -Be 4
            $onQat.Parent | Sort-Object -Unique | Should -Be '0000:6b:00.0'
        }

        It 'takes the parent from Get-HdIovDevice through the pipeline' {
            $piped = Get-HdIovDevice -HostRoot $root -PciAddress '0000:16:00.0', '0000:f7:00.0' | Get-HdIovVirtualDevice -HostRoot $root
            @($piped).Count | Should -Be 4
            $piped.Parent | Sort-Object -Unique | Should -Be @('0000:16:00.0', '0000:f7:00.0')
        }

        It 'formats as a table grouped by parent' {
            $text = Get-HdIovVirtualDevice -HostRoot $root -Parent '0000:f7:00.0' | Out-String -Width 200
            $text | Should -Match 'Parent: 0000:f7:00.0'
            $text | Should -Match 'Id\s+Type\s+Group\s+Owned\s+VdevName\s+Persistence'
            $text | Should -Match '0000:f7:00.1\s+vf \(vfio-pci\)\s+\d+\s+True\s+hdiov'
        }

        It 'changes nothing on the host' {
            $before = Get-TreeSnapshot $root
            Get-HdIovVirtualDevice -HostRoot $root | Out-Null
            Get-TreeSnapshot $root | Should -Be $before
        }
    }

    Context 'on a host with a non-PCI parent' {
        It 'lists the VDEVs of mtty by the parent''s name' {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'mtty')).Path
            $simulated = (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($lab)
            $uuid = [guid]::NewGuid()
            $simulated.WriteAttribute('/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create', $uuid.ToString())

            $device = Get-HdIovVirtualDevice -HostRoot $lab -Parent mtty
            $device.Uuid | Should -Be $uuid
            $device.Type | Should -Be 'mtty-2'
            $device.Owned | Should -BeFalse
        }

        It 'returns nothing on a host without virtual devices' {
            $empty = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'empty')).Path
            Get-HdIovVirtualDevice -HostRoot $empty | Should -BeNullOrEmpty
        }
    }
}
