BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $demo = Join-Path (Get-RepoRoot) 'build' 'Demo.ps1'
    $spec = Join-Path (Get-RepoRoot) 'examples' 'spr-qat-e810' 'host.yaml'
    $pwsh = Get-PwshCommandLine
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'build.ps1 -Task Demo' -Tag Demo, Libvirt {
    It 'starts from a fresh host, converges the example spec and ends with no changes' {
        $root = New-TestHostPath 'demo'
        New-HdIovSimulatedHost -Profile spr-qat-e810 -Path $root | Out-Null
        Set-Content -Path (Join-Path $root 'from-an-earlier-run.txt') -Value 'stale'

        $arguments = @('-NoProfile', '-NonInteractive', '-File', $demo, '-ModuleRoot', (Split-Path (Split-Path (Split-Path (Get-HdIovManifestPath)))), '-HostRoot', $root, '-SpecPath', $spec)
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) @arguments 2>&1 | Out-String

        $LASTEXITCODE | Should -Be 0 -Because $output
        $output | Should -Match 'PS> Get-HdIovHost'
        $output | Should -Match 'Applied \d+ of \d+ steps'
        $output | Should -Match 'No changes\. The host matches the spec\.'
        $output | Should -Not -Match 'HDIOV2014'
        $output | Should -Match 'VM vm01 at qemu:///system'
        Join-Path $root 'from-an-earlier-run.txt' | Should -Not -Exist
        Test-HdIovHostState -Path $spec -HostRoot $root | Should -BeTrue
    }
}
