BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $spec = (Resolve-Path (Join-Path $PSScriptRoot '..' '..' 'examples' 'mtty-lab' 'host.yaml')).Path
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Install-HdIovBootService' -Tag Boot {
    Context 'on a simulated host' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'boot')).Path
            $unit = Install-HdIovBootService -Path $spec -HostRoot $root -PassThru -Confirm:$false
            $text = Get-Content -Raw $unit.FullName
        }

        It 'writes the unit and the drop-in that makes multi-user.target want it' {
            $unit.FullName | Should -Be (Join-Path $root 'etc' 'systemd' 'system' 'hdiov-converge.service')
            Get-Content -Raw (Join-Path $root 'etc' 'systemd' 'system' 'multi-user.target.d' 'hdiov-converge.conf') |
                Should -Match 'Wants=hdiov-converge\.service'
        }

        It 'converges the spec after the drivers load and before the VMs start' {
            $text | Should -Match '(?m)^After=.*systemd-modules-load\.service.*systemd-udev-settle\.service'
            $text | Should -Match '(?m)^Before=libvirt-guests\.service$'
            $text | Should -Match ([regex]::Escape("Set-HdIovHostState -Path '$spec' -HostRoot / -Force"))
        }

        It 'passes the real systemd-analyze verify' {
            $analyze = Get-Command systemd-analyze -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            $analyze | Should -Not -BeNullOrEmpty -Because 'systemd-analyze is missing: install the Debian package systemd'
            $output = & $analyze.Source verify --man=no $unit.FullName 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
            ($output -join "`n") | Should -Not -Match 'hdiov-converge'
        }
    }

    Context 'with bad input' {
        It 'stops on an invalid spec with its located error, and writes nothing' {
            $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'bad')).Path
            $bad = Join-Path $root 'bad.yaml'
            Set-Content -Path $bad -Value "apiVersion: hdiov.dev/v1alpha1`nkind: HostState`nmetadata: { name: x }`nspec: { devices: [ { name: a, mode: siov } ] }`n"
            { Install-HdIovBootService -Path $bad -HostRoot $root -Confirm:$false -ErrorAction Stop } | Should -Throw
            Join-Path $root 'etc' 'systemd' 'system' 'hdiov-converge.service' | Should -Not -Exist
        }

        It 'refuses a spec path the unit cannot quote' {
            $root = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'quote')).Path
            $odd = Join-Path $root 'it''s.yaml'
            Copy-Item $spec $odd
            { Install-HdIovBootService -Path $odd -HostRoot $root -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'UnsafeUnitPath,HdIov.PowerShell.Commands.InstallHdIovBootServiceCommand'
        }
    }
}
