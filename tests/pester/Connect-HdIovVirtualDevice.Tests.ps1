BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'HdIov.LibvirtTestHelpers.psm1') -Force
    Import-HdIovModule
    $daemon = Start-TestLibvirtd
    $spec = Join-Path (Get-RepoRoot) 'examples' 'mtty-lab' 'host.yaml'
    $foreign = '11111111-2222-3333-4444-555555555555'

    # A simulated mtty lab whose qemu:///system is the private daemon, converged by its spec (lab-vm01 gets two VDEVs).
    function New-LabHost([string] $Name) {
        $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath $Name)).Path
        Set-SimulatedLibvirtUri -Root $root -Daemon $daemon
        $root
    }
}

AfterAll {
    Stop-TestLibvirtd $daemon
    Remove-TestHostPaths
}

Describe 'Connect-HdIovVirtualDevice' -Tag Libvirt {
    Context 'a declarative run with a VM attachment' {
        BeforeAll {
            $root = New-LabHost 'declarative'
            New-TestDomain $daemon 'lab-vm01' "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='$foreign'/></source></hostdev>"
            $first = Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false -WarningVariable firstWarnings
            $attached = @(Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object { $_.VdevName -in 'mtty/0/mtty-1/0', 'mtty/0/mtty-2/0' })
        }

        It 'adds the declared VDEVs to the domain and keeps the hostdev it did not add' {
            $xml = Get-TestDomainXml $daemon 'lab-vm01'
            $attached.Count | Should -Be 2
            foreach ($vdev in $attached) { $xml | Should -Match "uuid='$($vdev.Uuid)'" }
            $xml | Should -Match $foreign
            @($firstWarnings | Where-Object { "$_" -match 'HDIOV2014' }).Count | Should -Be 0
        }

        It 'changes nothing on the second run' {
            (Get-HdIovPlan -Path $spec -HostRoot $root).Steps.Count | Should -Be 0
            Test-HdIovHostState -Path $spec -HostRoot $root | Should -BeTrue
        }
    }

    Context 'connecting a VDEV the spec does not attach' {
        BeforeAll {
            $root = New-LabHost 'imperative'
            New-TestDomain $daemon 'lab-vm02'
            New-TestDomain $daemon 'lab-vm01-imp'
            $specCopy = Join-Path (New-TestHostPath 'imperative-spec') 'host.yaml'
            New-Item -ItemType Directory -Path (Split-Path $specCopy) | Out-Null
            (Get-Content -Raw $spec) -replace 'name: lab-vm01 ', 'name: lab-vm01-imp ' -replace '(?m)^  name: mtty-lab$', '  name: mtty-lab-imp' | Set-Content $specCopy
            Set-HdIovHostState -Path $specCopy -HostRoot $root -Confirm:$false | Out-Null
            $vdev = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-1/2'
            $result = $vdev | Connect-HdIovVirtualDevice -HostRoot $root -VmName lab-vm02 -Uri 'qemu:///system' -Confirm:$false
        }

        It 'puts a hostdev with the VDEV UUID into the shut-off domain' {
            $result | Should -BeOfType (Get-HdIovEngineType 'HdIov.Engine.Execution.ApplyResult')
            Get-TestDomainXml $daemon 'lab-vm02' | Should -Match "<address uuid='$($vdev.Uuid)'/>"
        }

        It 'writes a domain that virt-xml-validate accepts' {
            $file = Join-Path (New-TestHostPath 'validate') 'lab-vm02.xml'
            New-Item -ItemType Directory -Path (Split-Path $file) | Out-Null
            Get-TestDomainXml $daemon 'lab-vm02' | Set-Content $file
            $output = & virt-xml-validate $file domain 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$output"
        }

        It 'changes nothing when asked again' {
            Connect-HdIovVirtualDevice -HostRoot $root -Uuid $vdev.Uuid -VmName lab-vm02 -Confirm:$false | Should -BeNullOrEmpty
        }

        It 'is left in place by a declarative run, which warns with HDIOV2021' {
            Set-HdIovHostState -Path $specCopy -HostRoot $root -Confirm:$false -WarningVariable warnings | Out-Null
            @($warnings | Where-Object { "$_" -match 'HDIOV2021' }).Count | Should -BeGreaterThan 0
            Get-TestDomainXml $daemon 'lab-vm02' | Should -Match $vdev.Uuid
        }

        It 'refuses a domain libvirt does not have, with HDIOV2019 and nothing changed' {
            { Connect-HdIovVirtualDevice -HostRoot $root -Uuid $vdev.Uuid -VmName no-such-vm -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'HDIOV2019*'
        }

        It 'changes nothing with -WhatIf' {
            $other = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-1/3'
            Connect-HdIovVirtualDevice -HostRoot $root -Uuid $other.Uuid -VmName lab-vm02 -WhatIf | Should -BeNullOrEmpty
            Get-TestDomainXml $daemon 'lab-vm02' | Should -Not -Match $other.Uuid
        }

        It 'completes -VmName with the domains of -Uri' {
            $line = "Connect-HdIovVirtualDevice -HostRoot '$root' -Uri qemu:///system -VmName lab-vm0"
            $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $names | Should -Contain 'lab-vm02'
            $names | Should -Not -Contain 'no-such-vm'
        }
    }

    Context 'a running VM without -Live' {
        BeforeAll {
            $root = New-LabHost 'running'
            New-TestDomain $daemon 'lab-vm01-run'
            New-TestDomain $daemon 'run-vm'
            $specCopy = Join-Path (New-TestHostPath 'running-spec') 'host.yaml'
            New-Item -ItemType Directory -Path (Split-Path $specCopy) | Out-Null
            (Get-Content -Raw $spec) -replace 'name: lab-vm01 ', 'name: lab-vm01-run ' -replace '(?m)^  name: mtty-lab$', '  name: mtty-lab-run' | Set-Content $specCopy
            Set-HdIovHostState -Path $specCopy -HostRoot $root -Confirm:$false | Out-Null
            $vdev = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-1/2'
            $started = & virsh -c $daemon.Uri start run-vm 2>&1
            if ($LASTEXITCODE -ne 0) { throw "virsh start failed (QEMU from qemu-system-x86 must run guests with TCG): $started" }
        }

        AfterAll {
            & virsh -c $daemon.Uri destroy run-vm 2>&1 | Out-Null
        }

        It 'stops in a session that cannot ask, naming -Force, and changes nothing' {
            # A runspace without a host UI cannot prompt, like pwsh -NonInteractive.
            $shell = [powershell]::Create()
            try {
                $shell.AddCommand('Import-Module').AddParameter('Name', (Get-HdIovManifestPath)).AddStatement() | Out-Null
                $shell.AddCommand('Connect-HdIovVirtualDevice').AddParameter('HostRoot', $root).AddParameter('Uuid', [guid[]]@($vdev.Uuid)).
                    AddParameter('VmName', 'run-vm').AddParameter('Confirm', $false) | Out-Null
                $shell.Invoke() | Should -BeNullOrEmpty
                $shell.Streams.Error.Count | Should -Be 1
                $shell.Streams.Error[0].FullyQualifiedErrorId | Should -BeLike 'HDIOV3007*'
                "$($shell.Streams.Error[0])" | Should -Match '-Force'
            }
            finally {
                $shell.Dispose()
            }
            Get-TestDomainXml $daemon 'run-vm' | Should -Not -Match $vdev.Uuid
        }

        It 'with -Force adds the VDEV to the persistent definition only' {
            $result = Connect-HdIovVirtualDevice -HostRoot $root -Uuid $vdev.Uuid -VmName run-vm -Force -Confirm:$false
            $step = $result.Completed | Where-Object { $_.Operation -is (Get-HdIovEngineType 'HdIov.Engine.Planning.AttachVdevToVm') }
            $step.Disruption | Should -Be 'VmRestart'
            Get-TestDomainXml $daemon 'run-vm' | Should -Match $vdev.Uuid
            (& virsh -c $daemon.Uri dumpxml run-vm) -join "`n" | Should -Not -Match $vdev.Uuid
        }
    }

    Context 'containers' {
        It 'publishes a VDEV in the CDI spec' {
            $root = New-LabHost 'cdi'
            New-TestDomain $daemon 'lab-vm01-cdi'
            $specCopy = Join-Path (New-TestHostPath 'cdi-spec') 'host.yaml'
            New-Item -ItemType Directory -Path (Split-Path $specCopy) | Out-Null
            (Get-Content -Raw $spec) -replace 'name: lab-vm01 ', 'name: lab-vm01-cdi ' -replace '(?m)^  name: mtty-lab$', '  name: mtty-lab-cdi' | Set-Content $specCopy
            Set-HdIovHostState -Path $specCopy -HostRoot $root -Confirm:$false | Out-Null
            $vdev = Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName -eq 'mtty/0/mtty-2/1'

            Connect-HdIovVirtualDevice -HostRoot $root -Uuid $vdev.Uuid -Container -Confirm:$false | Out-Null

            $cdi = Get-Content -Raw (Join-Path $root 'etc' 'cdi' 'hdiov.json') | ConvertFrom-Json
            $cdi.devices.name | Should -Contain 'mtty_0_mtty-2_1'
            (Get-HdIovPlan -Path $specCopy -HostRoot $root -WarningAction SilentlyContinue).Steps.Count | Should -Be 0
        }
    }
}
