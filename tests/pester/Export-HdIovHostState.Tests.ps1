BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $example = Join-Path (Get-RepoRoot) 'examples' 'spr-qat-e810' 'host.yaml'

    function Save-Export([string] $Text, [string] $Name) {
        $file = Join-Path $TestDrive $Name
        Set-Content -Path $file -Value $Text -NoNewline
        $file
    }
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Export-HdIovHostState' -Tag Planning, Libvirt {
    Context 'on a host converged to the spr-qat-e810 example' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'converged')).Path
            Set-HdIovHostState -Path $example -HostRoot $root -Confirm:$false -Force -WarningAction SilentlyContinue | Out-Null
            $text = Export-HdIovHostState -HostRoot $root -Name spr-node-01
            $file = Save-Export $text 'converged.yaml'
        }

        It 'writes one YAML document' {
            @($text).Count | Should -Be 1
            $text | Should -BeOfType [string]
            $text | Should -Match '(?m)^apiVersion: hdiov.dev/v1alpha1$'
            $text | Should -Match '(?m)^kind: HostState$'
            $text | Should -Match '(?m)^  name: spr-node-01$'
        }

        It 'writes a spec Test-HdIovSpec accepts' {
            Test-HdIovSpec -Path $file | Should -BeExactly $true
        }

        It 'gives back the entries that split the host, under their names' {
            $spec = Import-HdIovSpec -Path $file
            $spec.Devices.Name | Should -Be @('nic', 'qat', 'qat-vf')

            $qat = $spec.Devices | Where-Object Name -eq 'qat'
            $qat.Select.PciAddresses.ForEach({ $_.ToString() }) | Should -Be @('0000:6b:00.0', '0000:70:00.0', '0000:75:00.0', '0000:7a:00.0', '0000:e8:00.0', '0000:ed:00.0', '0000:f2:00.0')
            $qat.Mode | Should -Be 'Siov'
            $qat.Services | Should -Be @('asym', 'dc')
            $qat.Vdevs['asym'] | Should -Be 4
            $qat.Vdevs['dc'] | Should -Be 8

            $nic = $spec.Devices | Where-Object Name -eq 'nic'
            $nic.Select.PciAddress.ToString() | Should -Be '0000:16:00.0'
            $nic.Vdevs['ice-vdcm'] | Should -Be 16

            $vfs = $spec.Devices | Where-Object Name -eq 'qat-vf'
            $vfs.Mode | Should -Be 'Sriov'
            $vfs.Vfs.Count | Should -Be 16
            $vfs.Vfs.Driver | Should -Be 'vfio-pci'
        }

        It 'keeps the VM attachment the spec made in vm01 of the host''s libvirt, and the container attachments of the CDI spec' {
            $spec = Import-HdIovSpec -Path $file
            $spec.Attachments.Count | Should -Be 2
            $spec.Attachments[0].Vm.Name | Should -Be 'vm01'
            $spec.Attachments[0].Vm.Uri | Should -Be 'qemu:///system'
            $spec.Attachments[0].Vm.Live | Should -BeTrue
            $spec.Attachments[0].Vdevs.ForEach({ $_.ToString() }) | Should -Be @('nic/0/ice-vdcm/0', 'qat/0/asym/0')
            $spec.Attachments[1].Container.Cdi | Should -BeTrue
            $spec.Attachments[1].Vdevs.ForEach({ $_.ToString() }) | Should -Be @('nic/0/ice-vdcm/1', 'qat/1/dc/0')
        }

        It 'plans nothing on the host it was exported from' {
            (Get-HdIovPlan -Path $file -HostRoot $root).Steps | Should -BeNullOrEmpty
            Test-HdIovHostState -Path $file -HostRoot $root | Should -BeExactly $true
        }

        It 'names the document after the simulated host''s profile by default' {
            Export-HdIovHostState -HostRoot $root | Should -Match '(?m)^  name: spr-qat-e810$'
        }

        It 'changes nothing on the host' {
            $before = Get-TreeSnapshot $root
            Export-HdIovHostState -HostRoot $root | Out-Null
            Get-TreeSnapshot $root | Should -Be $before
        }
    }

    Context 'on a host split by hand' {
        BeforeAll {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'mtty')).Path
            $simulated = (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($lab)
            $byHand = @([guid]::NewGuid(), [guid]::NewGuid(), [guid]::NewGuid())
            $simulated.WriteAttribute('/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create', $byHand[0].ToString())
            $simulated.WriteAttribute('/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create', $byHand[1].ToString())
            $simulated.WriteAttribute('/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create', $byHand[2].ToString())
            $file = Save-Export (Export-HdIovHostState -HostRoot $lab -Name lab-01) 'mtty.yaml'
        }

        It 'selects a non-PCI parent by name, with the mdev type ids as VDEV keys' {
            Test-HdIovSpec -Path $file | Should -BeExactly $true
            $entry = (Import-HdIovSpec -Path $file).Devices
            @($entry).Count | Should -Be 1
            $entry.Name | Should -Be 'mtty'
            $entry.Select.Parent | Should -Be 'mtty'
            $entry.Vdevs['mtty-1'] | Should -Be 2
            $entry.Vdevs['mtty-2'] | Should -Be 1
        }

        It 'marks devices the engine does not own for adoption, so the plan creates nothing' {
            (Import-HdIovSpec -Path $file).Devices[0].Ownership | Should -Be 'Adopt'
            $plan = Get-HdIovPlan -Path $file -HostRoot $lab
            @($plan.Steps | Where-Object Symbol -eq '+') | Should -BeNullOrEmpty
            @($plan.Steps | Where-Object Symbol -eq '-') | Should -BeNullOrEmpty
            @($plan.Steps | Where-Object { $_.After -like 'owned as *' }).Count | Should -Be 3
        }

        It 'leaves nothing to do once applied, with the hand-made devices now owned' {
            Set-HdIovHostState -Path $file -HostRoot $lab -Confirm:$false | Out-Null

            Test-HdIovHostState -Path $file -HostRoot $lab | Should -BeExactly $true
            $owned = Get-HdIovVirtualDevice -HostRoot $lab -Owned
            $owned.Uuid | Sort-Object | Should -Be ($byHand | Sort-Object)
            $owned.VdevName | Sort-Object | Should -Be @('mtty/0/mtty-1/0', 'mtty/0/mtty-1/1', 'mtty/0/mtty-2/0')
        }

        It 'exports the adopted devices again without adoption' {
            $again = Save-Export (Export-HdIovHostState -HostRoot $lab -Name lab-01) 'mtty-again.yaml'
            (Import-HdIovSpec -Path $again).Devices[0].Ownership | Should -Be 'Keep'
            Test-HdIovHostState -Path $again -HostRoot $lab | Should -BeExactly $true
        }
    }

    Context 'with VFs enabled by hand' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'vfs')).Path
            (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($root).WriteAttribute('/sys/bus/pci/devices/0000:16:00.1/sriov_numvfs', '4')
            $firstVf = Get-HdIovVirtualDevice -HostRoot $root -Parent '0000:16:00.1' | Select-Object -First 1
            $file = Save-Export (Export-HdIovHostState -HostRoot $root) 'vfs.yaml'
        }

        It 'writes the PF in sriov mode with the count and the first VF''s driver' {
            $entry = (Import-HdIovSpec -Path $file).Devices
            @($entry).Count | Should -Be 1
            $entry.Name | Should -Be 'nic-16-00-1'
            $entry.Mode | Should -Be 'Sriov'
            $entry.Vfs.Count | Should -Be 4
            $entry.Vfs.Driver | Should -Be $firstVf.Driver
            $entry.Ownership | Should -Be 'Adopt'
        }

        It 'plans to adopt the VFs without re-creating them' {
            $plan = Get-HdIovPlan -Path $file -HostRoot $root
            @($plan.Steps | Where-Object Disruption -ne 'None') | Should -BeNullOrEmpty
            Set-HdIovHostState -Path $file -HostRoot $root -Confirm:$false | Out-Null
            Test-HdIovHostState -Path $file -HostRoot $root | Should -BeExactly $true
            (Get-HdIovVirtualDevice -HostRoot $root -Parent '0000:16:00.1').Owned | Sort-Object -Unique | Should -BeTrue
        }
    }

    Context 'on a host with nothing split' {
        It 'writes a valid spec without devices' {
            $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'empty')).Path
            $file = Save-Export (Export-HdIovHostState -HostRoot $root) 'empty.yaml'
            Test-HdIovSpec -Path $file | Should -BeExactly $true
            (Import-HdIovSpec -Path $file).Devices | Should -BeNullOrEmpty
            Test-HdIovHostState -Path $file -HostRoot $root | Should -BeExactly $true
        }

        It 'refuses a name a spec cannot carry' {
            $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'badname')).Path
            $failure = { Export-HdIovHostState -HostRoot $root -Name 'bad name/..' } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidHostName,*'
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
    }
}
