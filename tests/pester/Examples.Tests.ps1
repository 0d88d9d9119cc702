# The everyday scripts of examples/powershell, each run as a user runs it: in a fresh pwsh, against a fresh
# simulated host, judged by exit code, output and the host's state afterwards.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $pwsh = Get-PwshCommandLine
    $scripts = Join-Path (Get-RepoRoot) 'examples' 'powershell'
    # The scripts say #Requires -Modules HdIov: the laid-out module must be on the child's module path.
    $moduleRoot = Split-Path (Split-Path (Split-Path (Get-HdIovManifestPath)))
    if (($env:PSModulePath -split [System.IO.Path]::PathSeparator) -notcontains $moduleRoot) {
        $env:PSModulePath = $moduleRoot + [System.IO.Path]::PathSeparator + $env:PSModulePath
    }

    function Invoke-Example([string] $Name, [string[]] $Arguments) {
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $scripts $Name) @Arguments 2>&1 | Out-String
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
    }

    # A fresh spr-qat-e810 host and a folder with a copy of the test spec (one QAT PF, one E810 port, one SR-IOV PF).
    function New-Scenario([string] $Name) {
        $folder = New-TestHostPath $Name
        New-Item -ItemType Directory -Path $folder | Out-Null
        $spec = Join-Path $folder 'host.yaml'
        Copy-Item (Get-TestSpecPath 'mixed-split.yaml') $spec
        $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (Join-Path $folder 'root')).Path
        [pscustomobject]@{ Root = $root; Spec = $spec }
    }

    function Remove-OutsideOfHdIov([string] $Root, [guid] $Uuid) {
        (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($Root).WriteAttribute("/sys/bus/mdev/devices/$Uuid/remove", '1')
    }
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Get-Inventory.ps1' -Tag Examples {
    It 'reports the platform, the devices and the VDEVs, and whether the host matches the spec' {
        $scenario = New-Scenario 'inventory'
        Set-HdIovHostState -Path $scenario.Spec -HostRoot $scenario.Root -Confirm:$false | Out-Null
        $run = Invoke-Example 'Get-Inventory.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'Sapphire Rapids'
        $run.Output | Should -Match '0000:6b:00\.0\s+Qat4xxx'
        $run.Output | Should -Match 'Virtual devices: 7 \(7 owned by HdIov\)'
        $run.Output | Should -Match 'the host matches it'
    }
}

Describe 'Invoke-Converge.ps1' -Tag Examples {
    It 'shows the plan, applies it, and changes nothing the second time' {
        $scenario = New-Scenario 'converge'
        $run = Invoke-Example 'Invoke-Converge.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '\+\s+qat/0/asym/0'
        $run.Output | Should -Match 'Applied (\d+) of \1 steps'
        @(Get-HdIovVirtualDevice -HostRoot $scenario.Root -Owned).Count | Should -Be 7

        $again = Invoke-Example 'Invoke-Converge.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec)
        $again.ExitCode | Should -Be 0 -Because $again.Output
        $again.Output | Should -Match 'No changes'
        $again.Output | Should -Not -Match 'Applied'
    }

    It 'changes nothing with -WhatIf' {
        $scenario = New-Scenario 'converge-whatif'
        $run = Invoke-Example 'Invoke-Converge.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec, '-WhatIf')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'What if'
        Get-HdIovVirtualDevice -HostRoot $scenario.Root | Should -BeNullOrEmpty
    }

    It 'exits 1 on an invalid spec and changes nothing' {
        $scenario = New-Scenario 'converge-invalid'
        $run = Invoke-Example 'Invoke-Converge.ps1' @('-HostRoot', $scenario.Root, '-Path', (Get-TestSpecPath 'unknown-key.yaml'))
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match 'HDIOV1004|unknown'
        Get-HdIovVirtualDevice -HostRoot $scenario.Root | Should -BeNullOrEmpty
    }
}

Describe 'Test-Drift.ps1' -Tag Examples {
    BeforeAll {
        $scenario = New-Scenario 'drift'
    }

    It 'exits 1 with the missing steps on a host not converged yet' {
        $run = Invoke-Example 'Test-Drift.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec)
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match 'Drift'
        $run.Output | Should -Match 'Declared\s+qat/0/asym/0'
    }

    It 'exits 0 once the host is converged' {
        Set-HdIovHostState -Path $scenario.Spec -HostRoot $scenario.Root -Confirm:$false | Out-Null
        $run = Invoke-Example 'Test-Drift.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'In sync'
    }

    It 'exits 1 and names the VDEV when someone removed it outside HdIov' {
        $victim = Get-HdIovVirtualDevice -HostRoot $scenario.Root -Name 'qat/0/dc/0'
        Remove-OutsideOfHdIov $scenario.Root $victim.Uuid
        $run = Invoke-Example 'Test-Drift.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec)
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match 'ChangedOutside\s+qat/0/dc/0'
        $run.Output | Should -Match 'qat/0/dc/0: the engine made this VDEV and it is gone'
    }

    It 'exits 0 and lists a VDEV created on request as left alone' {
        Set-HdIovHostState -Path $scenario.Spec -HostRoot $scenario.Root -Confirm:$false | Out-Null
        New-HdIovVirtualDevice -HostRoot $scenario.Root -ParentAddress 0000:16:00.0 -Type ice-vdcm -Name scratch | Out-Null
        $run = Invoke-Example 'Test-Drift.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'Left alone'
        $run.Output | Should -Match 'scratch'
        $run.Output | Should -Match 'In sync'
    }
}

Describe 'Invoke-Day2Resize.ps1' -Tag Examples {
    BeforeAll {
        $scenario = New-Scenario 'resize'
        Set-HdIovHostState -Path $scenario.Spec -HostRoot $scenario.Root -Confirm:$false | Out-Null
        $original = Get-Content -Raw $scenario.Spec
        $resized = Join-Path (Split-Path $scenario.Spec) 'resized.yaml'
    }

    It 'grows a type''s VDEV count and keeps the existing VDEVs' {
        $kept = (Get-HdIovVirtualDevice -HostRoot $scenario.Root -Name 'qat/0/asym/0').Uuid
        $run = Invoke-Example 'Invoke-Day2Resize.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec, '-Device', 'qat', '-Type', 'asym', '-Count', '4', '-OutputPath', $resized)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'asym VDEVs: 2 -> 4'
        @(Get-HdIovVirtualDevice -HostRoot $scenario.Root -Name 'qat/*' -Type asym).VdevName | Sort-Object |
            Should -Be @('qat/0/asym/0', 'qat/0/asym/1', 'qat/0/asym/2', 'qat/0/asym/3')
        (Get-HdIovVirtualDevice -HostRoot $scenario.Root -Name 'qat/0/asym/0').Uuid | Should -Be $kept
        Test-HdIovHostState -Path $resized -HostRoot $scenario.Root | Should -BeTrue
        Get-Content -Raw $scenario.Spec | Should -Be $original -Because 'the original spec is not edited'
    }

    It 'shrinks it again, removing the highest ordinals' {
        $run = Invoke-Example 'Invoke-Day2Resize.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec, '-Device', 'qat', '-Type', 'asym', '-Count', '1', '-OutputPath', $resized)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        @(Get-HdIovVirtualDevice -HostRoot $scenario.Root -Type asym).VdevName | Should -Be @('qat/0/asym/0')
        @(Get-HdIovVirtualDevice -HostRoot $scenario.Root -Name 'nic/*').Count | Should -Be 2 -Because 'other entries are untouched'
    }

    It 'exits 1 for a device entry the spec does not have, changing nothing' {
        $before = @(Get-HdIovVirtualDevice -HostRoot $scenario.Root).Count
        $run = Invoke-Example 'Invoke-Day2Resize.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec, '-Device', 'gpu', '-Type', 'asym', '-Count', '2', '-OutputPath', $resized)
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match "no device entry named 'gpu'"
        @(Get-HdIovVirtualDevice -HostRoot $scenario.Root).Count | Should -Be $before
    }
}

Describe 'Invoke-Decommission.ps1' -Tag Examples {
    It 'removes every VDEV and VF the engine owns and leaves a hand-made VDEV alone' {
        $scenario = New-Scenario 'decommission'
        Set-HdIovHostState -Path $scenario.Spec -HostRoot $scenario.Root -Confirm:$false | Out-Null
        $stray = [guid]::NewGuid()
        (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($scenario.Root).WriteAttribute(
            '/sys/class/mdev_bus/0000:6b:00.0/mdev_supported_types/4xxx-vqat_dc/create', $stray.ToString())

        $run = Invoke-Example 'Invoke-Decommission.ps1' @('-HostRoot', $scenario.Root, '-Path', $scenario.Spec)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'Owned by HdIov before: 7'
        Get-HdIovVirtualDevice -HostRoot $scenario.Root -Owned | Should -BeNullOrEmpty
        @(Get-HdIovVirtualDevice -HostRoot $scenario.Root).Uuid | Should -Be @($stray)
    }
}
