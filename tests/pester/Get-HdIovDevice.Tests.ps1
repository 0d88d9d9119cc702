BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $spec = Get-TestSpecPath 'qat-two-pfs.yaml'
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Get-HdIovDevice' -Tag Discovery {
    Context 'on a fresh spr-qat-e810' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'fresh')).Path
            $devices = Get-HdIovDevice -HostRoot $root
        }

        It 'lists the PFs that can be split with their family' {
            @($devices | Where-Object Family -eq 'Qat4xxx').Count | Should -Be 8
            @($devices | Where-Object Family -eq 'E810').PciAddress | Should -Be @('0000:16:00.0', '0000:16:00.1')
            ($devices | Where-Object PciAddress -eq '0000:6a:01.0').Family | Should -Be 'Idxd'
            $devices.PciAddress | Should -Be ($devices.PciAddress | Sort-Object)
        }

        It 'shows driver, NUMA node and IOMMU group' {
            $qat = $devices | Where-Object PciAddress -eq '0000:e8:00.0'
            $qat.Driver | Should -Be '4xxx'
            $qat.NumaNode | Should -Be 1
            $qat.IommuGroup | Should -BeOfType [int]
        }

        It 'shows every PF as not split yet' {
            $devices.Mode | Sort-Object -Unique | Should -Be 'none'
        }

        It 'reports the PCIe capabilities' {
            $qat = $devices | Where-Object PciAddress -eq '0000:6b:00.0'
            $qat.PasidWidth | Should -Be 20
            $qat.Ats | Should -BeTrue
            $qat.Pri | Should -BeTrue
            $qat.SriovCapable | Should -BeTrue
            $qat.SiovDvsec | Should -BeTrue
            $nic = $devices | Where-Object PciAddress -eq '0000:16:00.0'
            $nic.Pri | Should -BeFalse
            $nic.SiovDvsec | Should -BeFalse
        }

        It 'reports the E810 capacity as the word its driver prints, and its VFs' {
            $capacity = ($devices | Where-Object PciAddress -eq '0000:16:00.0').Capacity
            $vdcm = $capacity | Where-Object Type -eq 'ice-vdcm'
            $vdcm.Kind | Should -Be 'mdev'
            $vdcm.Available | Should -Be 'ivdcm'
            $vdcm.AvailableCount | Should -BeNullOrEmpty
            $vfs = $capacity | Where-Object Kind -eq 'sriov'
            $vfs.Total | Should -Be 128
            $vfs.InUse | Should -Be 0
        }

        It 'filters by family' {
            $nics = Get-HdIovDevice -HostRoot $root -Family E810
            $nics.PciAddress | Should -Be @('0000:16:00.0', '0000:16:00.1')
        }

        It 'takes the families of the engine''s registry, DSA/IAA among them' {
            $accelerators = Get-HdIovDevice -HostRoot $root -Family Idxd
            $accelerators.Count | Should -Be 16
            ($accelerators | Where-Object PciAddress -eq '0000:6a:02.0').Capacity.Type | Should -Contain 'idxd-iax-1swq-v1'
            (Get-Command Get-HdIovDevice).Parameters['Family'].Attributes.Where({ $_ -is [System.Management.Automation.ValidateSetAttribute] }).ValidValues |
                Should -Be @('Qat4xxx', 'E810', 'Idxd', 'Generic')
            { Get-HdIovDevice -HostRoot $root -Family Bogus } | Should -Throw -ErrorId 'ParameterArgumentValidationError,HdIov.PowerShell.Commands.GetHdIovDeviceCommand'
        }

        It 'filters by address, in the order given' {
            (Get-HdIovDevice -HostRoot $root -PciAddress '0000:70:00.0', '0000:16:00.1').PciAddress | Should -Be @('0000:70:00.0', '0000:16:00.1')
            (Get-HdIovDevice '0000:6B:00.0' -HostRoot $root).PciAddress | Should -Be '0000:6b:00.0'
        }

        It 'takes addresses from the pipeline by property name' {
            $piped = (Get-HdIovHost -HostRoot $root).Devices | Where-Object Id -eq '8086:4940' | Get-HdIovDevice -HostRoot $root
            @($piped).Count | Should -Be 8
            $piped.Family | Sort-Object -Unique | Should -Be 'Qat4xxx'
            ([pscustomobject] @{ PciAddress = '0000:16:00.0' } | Get-HdIovDevice -HostRoot $root).Family | Should -Be 'E810'
        }

        It 'reports an address that is not on the host, and goes on with the others' {
            $errors = $null
            $found = Get-HdIovDevice -HostRoot $root -PciAddress '0000:99:00.0', '0000:6b:00.0' -ErrorVariable errors -ErrorAction SilentlyContinue
            $found.PciAddress | Should -Be '0000:6b:00.0'
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'DeviceNotFound,*'
            $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'refuses text that is not a PCI address and says how to write one' {
            $errors = $null
            Get-HdIovDevice -HostRoot $root -PciAddress '6b:00.0' -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidPciAddress,*'
            $errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*dddd:bb:dd.f*'
        }

        It 'completes -PciAddress with the PFs of the host named by -HostRoot' {
            $line = "Get-HdIovDevice -HostRoot '$root' -PciAddress 0000:16"
            $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $completion.CompletionMatches.CompletionText | Should -Be @('0000:16:00.0', '0000:16:00.1')
            $completion.CompletionMatches[0].ToolTip | Should -BeLike '8086:* E810 ice'
        }

        It 'formats as a table with mode, capacity and capabilities' {
            $text = Get-HdIovDevice -HostRoot $root -PciAddress '0000:16:00.0' | Out-String -Width 250
            $text | Should -Match 'PciAddress\s+Family\s+Driver\s+Node\s+Group\s+Mode\s+Capacity\s+Capabilities'
            $text | Should -Match '0000:16:00.0\s+E810\s+ice\s+0\s+\d+\s+none\s+ice-vdcm 0 used, ivdcm free; 0/128 VFs\s+PASID\(20\) ATS SR-IOV'
        }

        It 'changes nothing on the host' {
            $before = Get-TreeSnapshot $root
            Get-HdIovDevice -HostRoot $root | Out-Null
            Get-TreeSnapshot $root | Should -Be $before
        }
    }

    Context 'after the host is split' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'split')).Path
            Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false | Out-Null
            $simulated = (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($root)
            $simulated.WriteAttribute('/sys/bus/pci/devices/0000:16:00.1/sriov_numvfs', '4')
        }

        It 'shows QAT PFs with VDEVs in siov mode, with the free instances per type' {
            $qat = Get-HdIovDevice -HostRoot $root -PciAddress '0000:6b:00.0'
            $qat.Mode | Should -Be 'siov'
            $qat.MdevParent | Should -BeTrue
            $asym = $qat.Capacity | Where-Object Type -eq '4xxx-vqat_asym'
            $asym.InUse | Should -Be 2
            $asym.AvailableCount | Should -BeOfType [int]
            $asym.Available | Should -Be "$($asym.AvailableCount)"
        }

        It 'shows a PF with VFs in sriov mode with its enabled VFs' {
            $nic = Get-HdIovDevice -HostRoot $root -PciAddress '0000:16:00.1'
            $nic.Mode | Should -Be 'sriov'
            $vfs = $nic.Capacity | Where-Object Kind -eq 'sriov'
            $vfs.InUse | Should -Be 4
            $vfs.AvailableCount | Should -Be ($vfs.Total - 4)
        }

        It 'leaves the PFs the spec does not name unsplit' {
            (Get-HdIovDevice -HostRoot $root -PciAddress '0000:75:00.0').Mode | Should -Be 'none'
        }

        It 'keeps a QAT PF configured for ADIs in siov mode when it has no VDEVs left' {
            foreach ($vdev in (Get-HdIovHost -HostRoot $root).VirtualDevices | Where-Object Parent -eq '0000:70:00.0') {
                $simulated.WriteAttribute("/sys/bus/mdev/devices/$($vdev.Uuid)/remove", '1')
            }
            (Get-HdIovHost -HostRoot $root).VirtualDevices.Parent | Should -Not -Contain '0000:70:00.0'

            (Get-HdIovDevice -HostRoot $root -PciAddress '0000:70:00.0').Mode | Should -Be 'siov'
        }
    }
}
