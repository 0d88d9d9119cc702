BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule

    function New-UnownedMdev([string] $Root, [string] $Type) {
        $uuid = [guid]::NewGuid()
        (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($Root).WriteAttribute("/sys/class/mdev_bus/mtty/mdev_supported_types/$Type/create", $uuid.ToString())
        $uuid
    }

    function Test-Mdev([string] $Root, [guid] $Uuid) {
        Test-Path (Join-Path $Root 'sys' 'bus' 'mdev' 'devices' $Uuid.ToString())
    }
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Remove-HdIovVirtualDevice' -Tag Imperative {
    Context 'VDEVs created on request' {
        BeforeAll {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'mtty')).Path
            $made = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1 -Count 4 -Name uart
        }

        It 'removes one by -Uuid: the mdev, its mdevctl definition and its ledger entry' {
            $removed = Remove-HdIovVirtualDevice -HostRoot $lab -Uuid $made[0].Uuid

            $removed.Uuid | Should -Be $made[0].Uuid
            $removed | Should -BeOfType 'HdIov.PowerShell.Inventory.VirtualDeviceInfo'
            Test-Mdev $lab $made[0].Uuid | Should -BeFalse
            Join-Path $lab 'etc' 'mdevctl.d' 'mtty' $made[0].Id | Should -Not -Exist
            Get-HdIovVirtualDevice -HostRoot $lab | Where-Object Uuid -eq $made[0].Uuid | Should -BeNullOrEmpty
        }

        It 'removes one by -Name' {
            Remove-HdIovVirtualDevice -HostRoot $lab -Name uart-1 | Out-Null
            Test-Mdev $lab $made[1].Uuid | Should -BeFalse
        }

        It 'changes nothing with -WhatIf' {
            $before = Get-TreeSnapshot $lab
            Remove-HdIovVirtualDevice -HostRoot $lab -Uuid $made[2].Uuid -WhatIf | Should -BeNullOrEmpty
            Get-TreeSnapshot $lab | Should -Be $before
        }

        It 'removes what Get-HdIovVirtualDevice pipes in' {
            $removed = Get-HdIovVirtualDevice -HostRoot $lab -Parent mtty | Where-Object Origin -eq imperative | Remove-HdIovVirtualDevice -HostRoot $lab
            $removed.VdevName | Should -Be @('uart-2', 'uart-3')
            Get-HdIovVirtualDevice -HostRoot $lab | Should -BeNullOrEmpty
        }

        It 'reports an unknown name or UUID as not found' {
            Remove-HdIovVirtualDevice -HostRoot $lab -Name nobody -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Remove-HdIovVirtualDevice -HostRoot $lab -Uuid ([guid]::NewGuid()) -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV2001,*'
        }
    }

    Context 'a VDEV the engine does not own' {
        BeforeAll {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'unowned')).Path
            $unowned = New-UnownedMdev $lab 'mtty-2'
            $owned = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1
        }

        It 'is refused without -Force, naming -Force, while the others of the call are removed' {
            $removed = Remove-HdIovVirtualDevice -HostRoot $lab -Uuid $unowned, $owned.Uuid -ErrorAction SilentlyContinue -ErrorVariable failed

            @($failed).Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV2017,*'
            $failed[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $failed[0].TargetObject | Should -Be $unowned
            $failed[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
            Test-Mdev $lab $unowned | Should -BeTrue
            $removed.Uuid | Should -Be $owned.Uuid
            Test-Mdev $lab $owned.Uuid | Should -BeFalse
        }

        It 'is removed with -Force' {
            Remove-HdIovVirtualDevice -HostRoot $lab -Uuid $unowned -Force | Out-Null
            Test-Mdev $lab $unowned | Should -BeFalse
        }
    }

    Context 'a VDEV in use' {
        BeforeAll {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'in-use')).Path
            $busy = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1
            # A process (a VM) holding the VDEV's IOMMU group open, as /proc shows it.
            $fd = Join-Path $lab 'proc' '4242' 'fd'
            New-Item -ItemType Directory -Path $fd -Force | Out-Null
            [System.IO.File]::CreateSymbolicLink((Join-Path $fd '17'), "/dev/vfio/$($busy.IommuGroup)") | Out-Null
        }

        It 'is refused without -Force, naming the process' {
            $before = Get-TreeSnapshot $lab
            Remove-HdIovVirtualDevice -HostRoot $lab -Uuid $busy.Uuid -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV2008,*'
            $failed[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
            $failed[0].Exception.Message | Should -Match "process 4242 holds its IOMMU group /dev/vfio/$($busy.IommuGroup) open"
            Get-TreeSnapshot $lab | Should -Be $before
        }

        It 'is removed with -Force' {
            Remove-HdIovVirtualDevice -HostRoot $lab -Uuid $busy.Uuid -Force | Out-Null
            Test-Mdev $lab $busy.Uuid | Should -BeFalse
        }
    }

    Context 'a VDEV a spec declares' {
        It 'is removed with a warning that the next converge brings it back' {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'declared')).Path
            $spec = Get-TestSpecPath 'serial-console.yaml'
            Set-HdIovHostState -Path $spec -HostRoot $lab | Out-Null

            Remove-HdIovVirtualDevice -HostRoot $lab -Name serial/0/mtty-1/0 -WarningVariable warned -WarningAction SilentlyContinue | Out-Null

            ($warned -join "`n") | Should -Match 'HDIOV2018'
            Test-HdIovHostState -Path $spec -HostRoot $lab | Should -BeFalse
        }
    }
}
