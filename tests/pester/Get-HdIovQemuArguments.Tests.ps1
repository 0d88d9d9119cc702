BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $converge = Get-TestSpecPath 'qat-two-pfs.yaml'
    # The same host (so the same VDEV UUIDs) with two of its VDEVs handed to a VM started by hand and one to another.
    $spec = Join-Path $TestDrive 'qemu-vm.yaml'
    (Get-Content -Raw $converge) + @'
  attachments:
    - vdevs: [ qat/0/asym/1, qat/1/dc/0 ]
      vm: { name: qemu-vm }
    - vdevs: [ qat/0/asym/0 ]
      vm: { name: other-vm }
'@ | Set-Content -Path $spec
    $identity = Get-HdIovEngineType 'HdIov.Engine.Model.VdevIdentity'
    $vdevName = Get-HdIovEngineType 'HdIov.Engine.Model.VdevName'
    function UuidOf([string] $Name) {
        $parsed = $null
        $null = $vdevName::TryParse($Name, [ref] $parsed)
        $identity::UuidFor('pester-node', $parsed).ToString('D')
    }
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Get-HdIovQemuArguments' -Tag Attachments {
    Context 'on a converged host' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'qemu-converged')).Path
            Set-HdIovHostState -Path $converge -HostRoot $root -Confirm:$false | Out-Null
        }

        It 'renders one vfio-pci device per VDEV of the VM, in spec order, with ids from the VDEV names' {
            $arguments = @(Get-HdIovQemuArguments -Path $spec -VmName qemu-vm -HostRoot $root)

            $arguments | Should -Be @(
                '-device', "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$(UuidOf 'qat/0/asym/1'),id=hdiov-qat-0-asym-1"
                '-device', "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$(UuidOf 'qat/1/dc/0'),id=hdiov-qat-1-dc-0")
        }

        It 'names only VDEVs that exist on the host' {
            $created = @(Get-HdIovVirtualDevice -HostRoot $root | ForEach-Object { "$($_.Uuid)" })
            foreach ($name in 'qat/0/asym/1', 'qat/1/dc/0') {
                $created | Should -Contain (UuidOf $name)
            }
        }

        It 'puts the scalable-mode vIOMMU first with -IncludeIommu, and joins the words with -AsString' {
            $line = Get-HdIovQemuArguments -Path $spec -VmName other-vm -HostRoot $root -IncludeIommu -AsString

            $line | Should -BeExactly ("-machine q35,kernel-irqchip=split -device intel-iommu,intremap=on,caching-mode=on,x-scalable-mode=on " +
                "-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$(UuidOf 'qat/0/asym/0'),id=hdiov-qat-0-asym-0")
        }

        It 'stops with HDIOV2001 listing the VMs the spec names for a VM it does not name' {
            { Get-HdIovQemuArguments -Path $spec -VmName nobody -HostRoot $root -ErrorAction Stop } |
                Should -Throw -ErrorId 'HDIOV2001*' -ExpectedMessage "*attaches no VDEV to VM 'nobody'*"
            $failure = $null
            try { Get-HdIovQemuArguments -Path $spec -VmName nobody -HostRoot $root -ErrorAction Stop } catch { $failure = $_ }
            $failure.ErrorDetails.RecommendedAction | Should -Be 'pass a VM the spec names: qemu-vm, other-vm'
        }
    }

    Context 'on a host not converged' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'qemu-bare')).Path
            $before = Get-TreeSnapshot $root
        }

        It 'writes one HDIOV2024 error per missing VDEV with its place in the spec and the fix, then stops with no output' {
            $output = $null
            $failure = $null
            try { $output = Get-HdIovQemuArguments -Path $spec -VmName qemu-vm -HostRoot $root -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $failure = $_ }

            $output | Should -BeNullOrEmpty
            $failure.FullyQualifiedErrorId | Should -BeLike 'HDIOV2024*'
            $failure.Exception.Message | Should -BeLike '*2 of the 2 VDEVs attached to VM ''qemu-vm'' are not created*'
            # -ErrorVariable also holds the terminating error's exception: only the records are per-VDEV errors.
            $missing = @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'HDIOV2024*' -and $_.Exception.Message -like '*is not created on this host yet*' })
            $missing.Count | Should -Be 2
            $missing[0].Exception.Message | Should -BeLike "*qemu-vm.yaml:*qat/0/asym/1 ($(UuidOf 'qat/0/asym/1'))*"
            $missing[0].ErrorDetails.RecommendedAction | Should -BeLike 'converge the host first: Set-HdIovHostState -Path *'
        }

        It 'changes nothing on the host' {
            Get-TreeSnapshot $root | Should -Be $before
        }
    }

    Context 'with a qemu attachment, whose arguments file Set-HdIovHostState keeps' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'qemu-file')).Path
            $file = '/etc/hdiov/qemu/hand-vm.args'
            $qemuSpec = Join-Path $TestDrive 'qemu-file.yaml'
            (Get-Content -Raw $converge) + @'
  attachments:
    - vdevs: [ qat/0/asym/1, qat/1/dc/0 ]
      qemu: { name: hand-vm, iommu: true }
'@ | Set-Content -Path $qemuSpec
        }

        It 'writes the file on converge; sourced by sh it gives the words Get-HdIovQemuArguments renders for the VM' {
            $result = Set-HdIovHostState -Path $qemuSpec -HostRoot $root -Confirm:$false
            @($result.Completed | Where-Object Description -like "write $file *") | Should -HaveCount 1

            $words = @(& /bin/sh -c '. "$0"; printf "%s\n" "$@"' (Join-Path $root $file))
            $words | Should -Be @(Get-HdIovQemuArguments -Path $qemuSpec -VmName hand-vm -HostRoot $root -IncludeIommu)
            $words[-1] | Should -BeExactly "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$(UuidOf 'qat/1/dc/0'),id=hdiov-qat-1-dc-0"
            Test-HdIovHostState -Path $qemuSpec -HostRoot $root | Should -BeExactly $true
        }

        It 'reports an edited file as ChangedOutside drift, and the next converge writes it back' {
            $path = Join-Path $root $file
            $written = Get-Content -Raw $path
            Add-Content -Path $path -Value '-device e1000'

            $drift = @(Test-HdIovHostState -Path $qemuSpec -HostRoot $root -Detailed)
            $drift | Should -HaveCount 1
            $drift[0].Kind | Should -BeExactly 'ChangedOutside'
            $drift[0].Reason | Should -BeLike '*edited outside HdIov*'
            Set-HdIovHostState -Path $qemuSpec -HostRoot $root -Confirm:$false | Out-Null
            Get-Content -Raw $path | Should -BeExactly $written
        }

        It 'refuses a relative argumentsFile with HDIOV1006 at its file:line:column, changing nothing' {
            $bad = Join-Path $TestDrive 'qemu-relative.yaml'
            (Get-Content -Raw $qemuSpec).Replace('iommu: true', 'argumentsFile: hand-vm.args') | Set-Content -Path $bad
            $line = @(Get-Content $bad).IndexOf(@(Get-Content $bad | Where-Object { $_ -like '*argumentsFile*' })[0]) + 1
            $before = Get-TreeSnapshot $root

            { Set-HdIovHostState -Path $bad -HostRoot $root -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'HDIOV1006*' -ExpectedMessage "*qemu-relative.yaml:$($line):*'hand-vm.args' cannot be a QEMU arguments file: the path is not absolute*"
            Get-TreeSnapshot $root | Should -Be $before
        }

        It 'deletes the file and the folders it made once no attachment names it' {
            Set-HdIovHostState -Path $converge -HostRoot $root -Confirm:$false | Out-Null

            Join-Path $root $file | Should -Not -Exist
            Join-Path $root '/etc/hdiov' | Should -Not -Exist
            Join-Path $root '/etc' | Should -Exist
        }
    }
}
