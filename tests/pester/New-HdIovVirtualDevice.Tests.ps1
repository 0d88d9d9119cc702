BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $qatSpec = Get-TestSpecPath 'qat-two-pfs.yaml'
    $serialSpec = Get-TestSpecPath 'serial-console.yaml'
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'New-HdIovVirtualDevice' -Tag Imperative {
    Context 'on the mtty parent' {
        BeforeAll {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'mtty')).Path
            $created = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1
        }

        It 'creates the mdev in sysfs and returns it as an owned, imperative VDEV' {
            $created | Should -BeOfType 'HdIov.PowerShell.Inventory.VirtualDeviceInfo'
            $created.Parent | Should -Be 'mtty'
            $created.Type | Should -Be 'mtty-1'
            $created.VdevName | Should -Be 'mtty-1-0'
            $created.Owned | Should -BeTrue
            $created.Origin | Should -Be 'imperative'
            Join-Path $lab 'sys' 'bus' 'mdev' 'devices' $created.Id | Should -Exist
        }

        It 'persists it with an mdevctl definition that starts it automatically' {
            $definition = Join-Path $lab 'etc' 'mdevctl.d' 'mtty' $created.Id
            $definition | Should -Exist
            $json = Get-Content $definition -Raw | ConvertFrom-Json
            $json.mdev_type | Should -Be 'mtty-1'
            $json.start | Should -Be 'auto'
            $created.Persistence | Should -Be 'mdevctl'
        }

        It 'shows it in Get-HdIovVirtualDevice as imperative' {
            $listed = Get-HdIovVirtualDevice -HostRoot $lab -Parent mtty | Where-Object Uuid -eq $created.Uuid
            $listed.Origin | Should -Be 'imperative'
            $listed.Owned | Should -BeTrue
            Get-HdIovVirtualDevice -HostRoot $lab -Parent mtty | Format-List | Out-String | Should -Match 'Origin\s+: imperative'
        }

        It 'names several VDEVs after -Name and uses -Uuid for one' {
            $uarts = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-2 -Count 2 -Name uart
            $uarts.VdevName | Should -Be @('uart-0', 'uart-1')
            $chosen = [guid]'8e5a3c1d-5b2f-4d7a-9c3e-0123456789ab'
            $one = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1 -Name console -Uuid $chosen
            $one.Uuid | Should -Be $chosen
            Join-Path $lab 'sys' 'bus' 'mdev' 'devices' $chosen.ToString() | Should -Exist
        }

        It 'gives back the same VDEV and changes nothing when asked again for the same name' {
            $before = Get-TreeSnapshot $lab
            $again = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-2 -Count 2 -Name uart
            $again.VdevName | Should -Be @('uart-0', 'uart-1')
            Get-TreeSnapshot $lab | Should -Be $before
        }

        It 'changes nothing with -WhatIf' {
            $before = Get-TreeSnapshot $lab
            $output = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1 -Count 2 -WhatIf
            $output | Should -BeNullOrEmpty
            Get-TreeSnapshot $lab | Should -Be $before
        }
    }

    Context 'with a request it refuses' {
        BeforeAll {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'refused')).Path
            $before = Get-TreeSnapshot $lab
        }

        AfterEach {
            Get-TreeSnapshot $lab | Should -Be $before
        }

        It 'names the types the parent offers for an unknown type' {
            New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-9 -ErrorAction SilentlyContinue -ErrorVariable failed | Should -BeNullOrEmpty
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV2007,*'
            $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failed[0].TargetObject | Should -Be 'mtty'
            $failed[0].ErrorDetails.RecommendedAction | Should -Match 'use one of: mtty-1, mtty-2'
        }

        It 'refuses more VDEVs than the parent has instances, saying how many fit' {
            $available = [int](Get-Content (Join-Path $lab 'sys' 'class' 'mdev_bus' 'mtty' 'mdev_supported_types' 'mtty-2' 'available_instances'))
            New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-2 -Count ($available + 1) -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV2002,*'
            $failed[0].ErrorDetails.RecommendedAction | Should -Match "ask for at most $available"
        }

        It 'refuses a UUID that is not a UUID' {
            { New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1 -Uuid 'not-a-uuid' -ErrorAction Stop } |
                Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,HdIov.PowerShell.Commands.NewHdIovVirtualDeviceCommand'
        }

        It 'refuses a UUID with -Count above 1, and the nil UUID' {
            New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1 -Count 2 -Uuid ([guid]::NewGuid()) -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV1010,*'
            $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1 -Uuid ([guid]::Empty) -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV1006,*'
        }

        It 'refuses a name that could leave its folder' {
            New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1 -Name '../escape' -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV1008,*'
            $failed[0].Exception.Message | Should -Match '-Name'
        }

        It 'refuses a parent that is not there' {
            New-HdIovVirtualDevice -HostRoot $lab -ParentAddress 0000:fe:1f.7 -Type mtty-1 -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV2001,*'
        }
    }

    Context 'on QAT and E810 parents' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'spr')).Path
            Set-HdIovHostState -Path $qatSpec -HostRoot $root -Confirm:$false | Out-Null
        }

        It 'creates a VDEV of a service the PF runs, given by its service name, for PFs from Get-HdIovDevice' {
            $made = Get-HdIovDevice -HostRoot $root -PciAddress 0000:70:00.0 | New-HdIovVirtualDevice -HostRoot $root -Type dc
            $made.Parent | Should -Be '0000:70:00.0'
            $made.Type | Should -Be '4xxx-vqat_dc'
            $made.Persistence | Should -Be 'mdevctl'
            Join-Path $root 'sys' 'bus' 'mdev' 'devices' $made.Id | Should -Exist
        }

        It 'reports a PF without the service as an error for that PF and goes on with the next one' {
            $made = Get-HdIovDevice -HostRoot $root -PciAddress 0000:75:00.0, 0000:6b:00.0 |
                New-HdIovVirtualDevice -HostRoot $root -Type dc -ErrorAction SilentlyContinue -ErrorVariable failed
            @($made).Count | Should -Be 1
            $made.Parent | Should -Be '0000:6b:00.0'
            @($failed).Count | Should -Be 1
            $failed[0].TargetObject | Should -Be '0000:75:00.0'
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV2006,*'
        }

        It 'refuses more VDEVs than the QAT service has instances' {
            New-HdIovVirtualDevice -HostRoot $root -ParentAddress 0000:6b:00.0 -Type asym -Count 64 -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV2002,*'
        }

        It 'persists ice-vdcm VDEVs in the engine''s ledger, not with mdevctl' {
            $nic = New-HdIovVirtualDevice -HostRoot $root -ParentAddress 0000:16:00.0 -Type ice-vdcm -Count 2
            $nic.Persistence | Sort-Object -Unique | Should -Be 'hdiov'
            $nic.Origin | Sort-Object -Unique | Should -Be 'imperative'
            Join-Path $root 'etc' 'mdevctl.d' '0000:16:00.0' | Should -Not -Exist
        }
    }

    Context 'followed by Set-HdIovHostState' {
        It 'leaves an imperative VDEV the spec does not declare in place, with a warning, listed as Unmanaged by Test-HdIovHostState -Detailed' {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'survives')).Path
            $kept = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-2

            Set-HdIovHostState -Path $serialSpec -HostRoot $lab -WarningVariable warned -WarningAction SilentlyContinue | Out-Null

            ($warned -join "`n") | Should -Match 'HDIOV2016'
            ($warned -join "`n") | Should -Match 'Remove-HdIovVirtualDevice -Name mtty-2-0'
            Join-Path $lab 'sys' 'bus' 'mdev' 'devices' $kept.Id | Should -Exist
            (Get-HdIovVirtualDevice -HostRoot $lab | Where-Object Uuid -eq $kept.Uuid).Origin | Should -Be 'imperative'
            Test-HdIovHostState -Path $serialSpec -HostRoot $lab -WarningAction SilentlyContinue | Should -BeTrue
            $listed = @(Test-HdIovHostState -Path $serialSpec -HostRoot $lab -Detailed -WarningVariable reported -WarningAction SilentlyContinue)
            $listed | ForEach-Object { "$($_.Kind) $($_.Address) $($_.IsDrift)" } | Should -Be @('Unmanaged mtty-2-0 False') -Because 'it is listed, but it is not drift'
            ($reported -join "`n") | Should -Match 'HDIOV2016.*mtty-2-0'
        }

        It 'takes over an imperative VDEV of a declared type without re-creating it' {
            $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'adopted')).Path
            $made = New-HdIovVirtualDevice -HostRoot $lab -ParentAddress mtty -Type mtty-1

            $result = Set-HdIovHostState -Path $serialSpec -HostRoot $lab -WarningVariable warned

            $result.Completed.Operation | ForEach-Object { $_ | Should -BeOfType (Get-HdIovEngineType 'HdIov.Engine.Planning.AdoptMdev') }
            $warned | Should -BeNullOrEmpty
            $now = Get-HdIovVirtualDevice -HostRoot $lab -Parent mtty
            @($now).Count | Should -Be 1
            $now.Uuid | Should -Be $made.Uuid
            $now.VdevName | Should -Be 'serial/0/mtty-1/0'
            $now.Origin | Should -Be 'declarative'
            Test-HdIovHostState -Path $serialSpec -HostRoot $lab | Should -BeTrue
        }
    }
}
