BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'HdIov.LibvirtTestHelpers.psm1') -Force
    Import-HdIovModule
    $daemon = Start-TestLibvirtd
    $foreign = '11111111-2222-3333-4444-555555555555'
    $spec = Join-Path (Get-RepoRoot) 'examples' 'mtty-lab' 'host.yaml'
    $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'lab')).Path
    Set-SimulatedLibvirtUri -Root $root -Daemon $daemon
    New-TestDomain $daemon 'lab-vm01'
    New-TestDomain $daemon 'work-vm' "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='$foreign'/></source></hostdev>"
    Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false | Out-Null
    $vdev = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-1/2'
}

AfterAll {
    Stop-TestLibvirtd $daemon
    Remove-TestHostPaths
}

Describe 'Disconnect-HdIovVirtualDevice' -Tag Libvirt {
    Context 'a VDEV connected to a shut-off VM' {
        BeforeAll {
            Connect-HdIovVirtualDevice -HostRoot $root -Uuid $vdev.Uuid -VmName work-vm -Confirm:$false | Out-Null
            $before = Get-TestDomainXml $daemon 'work-vm'
            $result = Disconnect-HdIovVirtualDevice -HostRoot $root -Uuid $vdev.Uuid -VmName work-vm -Confirm:$false
            $after = Get-TestDomainXml $daemon 'work-vm'
        }

        It 'was in the domain before' {
            $before | Should -Match "uuid='$($vdev.Uuid)'"
        }

        It 'removes its hostdev, so virsh dumpxml no longer shows it' {
            $result | Should -BeOfType (Get-HdIovEngineType 'HdIov.Engine.Execution.ApplyResult')
            $after | Should -Not -Match $vdev.Uuid
        }

        It 'keeps the hostdev of a device it was not asked about' {
            $after | Should -Match $foreign
        }

        It 'leaves the VDEV itself' {
            (Get-HdIovVirtualDevice -HostRoot $root).Uuid | Should -Contain $vdev.Uuid
        }

        It 'warns and changes nothing when the device is not attached' {
            Disconnect-HdIovVirtualDevice -HostRoot $root -Uuid $vdev.Uuid -VmName work-vm -Confirm:$false -WarningVariable warnings |
                Should -BeNullOrEmpty
            "$warnings" | Should -Match 'not attached'
        }
    }

    Context 'the spec''s own attachment, taken by the command' {
        It 'detaches it, and the next declarative run puts it back' {
            $declared = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-1/0'
            Get-TestDomainXml $daemon 'lab-vm01' | Should -Match $declared.Uuid

            $declared | Disconnect-HdIovVirtualDevice -HostRoot $root -VmName lab-vm01 -Confirm:$false | Out-Null
            Get-TestDomainXml $daemon 'lab-vm01' | Should -Not -Match $declared.Uuid

            Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false | Out-Null
            Get-TestDomainXml $daemon 'lab-vm01' | Should -Match $declared.Uuid
            (Get-HdIovPlan -Path $spec -HostRoot $root).Steps.Count | Should -Be 0
        }
    }

    Context 'containers' {
        It 'removes a VDEV from the CDI spec' {
            $other = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-2/1'
            Connect-HdIovVirtualDevice -HostRoot $root -Uuid $other.Uuid -Container -Confirm:$false | Out-Null
            (Get-Content -Raw (Join-Path $root 'etc' 'cdi' 'hdiov.json') | ConvertFrom-Json).devices.name | Should -Contain 'mtty_0_mtty-2_1'

            Disconnect-HdIovVirtualDevice -HostRoot $root -Uuid $other.Uuid -Container -Confirm:$false | Out-Null

            (Get-Content -Raw (Join-Path $root 'etc' 'cdi' 'hdiov.json') | ConvertFrom-Json).devices.name | Should -Not -Contain 'mtty_0_mtty-2_1'
            (Get-HdIovPlan -Path $spec -HostRoot $root -WarningAction SilentlyContinue).Steps.Count | Should -Be 0
        }
    }
}
