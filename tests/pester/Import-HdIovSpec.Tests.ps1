BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $example = Join-Path (Get-RepoRoot) 'examples' 'spr-qat-e810' 'host.yaml'
}

Describe 'Import-HdIovSpec' -Tag Spec {
    It 'reads a spec into the engine''s model' {
        $spec = Import-HdIovSpec -Path $example
        $spec | Should -BeOfType (Get-HdIovEngineType 'HdIov.Engine.Model.HostSpec')
        $spec.Name | Should -Be 'spr-node-01'
        $spec.SourceFile | Should -Be $example
        $spec.Devices.Name | Should -Be @('qat', 'nic', 'qat-vf')
        $qat = $spec.Devices[0]
        $qat.Mode | Should -Be 'Siov'
        $qat.Select.PciAddresses.Count | Should -Be 7
        $qat.Vdevs['asym'] | Should -Be 4
        $qat.Vdevs['dc'] | Should -Be 8
        $spec.Devices[2].Vfs.Count | Should -Be 16
        $spec.Devices[2].Vfs.Driver | Should -Be 'vfio-pci'
        $spec.Attachments.Count | Should -Be 2
    }

    It 'gives the model the planner plans from' {
        $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'plan')).Path
        try {
            $spec = Import-HdIovSpec -Path (Get-TestSpecPath 'qat-two-pfs.yaml')
            $state = (Get-HdIovEngineType 'HdIov.Engine.Discovery.HostObserver')::new((Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($root)).Observe([System.Threading.CancellationToken]::None)
            $plan = (Get-HdIovEngineType 'HdIov.Engine.Planning.Planner')::Plan($spec, $state)
            $plan.Steps.Count | Should -Be (Get-HdIovPlan -Path (Get-TestSpecPath 'qat-two-pfs.yaml') -HostRoot $root).Steps.Count
        }
        finally {
            Remove-TestHostPaths
        }
    }

    It 'round-trips through the engine''s writer' {
        $spec = Import-HdIovSpec -Path $example
        $text = (Get-HdIovEngineType 'HdIov.Engine.Spec.SpecWriter')::Write($spec)
        $again = (Get-HdIovEngineType 'HdIov.Engine.Spec.SpecLoader')::LoadText($text, 'written.yaml')
        $again.Succeeded | Should -BeTrue
        (Get-HdIovEngineType 'HdIov.Engine.Spec.SpecWriter')::Write($again.Spec) | Should -Be $text
    }

    It 'takes files from Get-ChildItem through the pipeline' {
        $specs = Get-ChildItem (Join-Path (Get-RepoRoot) 'examples') -Filter host.yaml -Recurse | Import-HdIovSpec
        $specs.Name | Should -Contain 'spr-node-01'
        $specs.Name | Should -Contain 'mtty-lab'
    }

    It 'formats the model as a list with one line per device entry' {
        $text = Import-HdIovSpec -Path $example | Out-String -Width 250
        $text | Should -Match 'Name\s+: spr-node-01'
        $text | Should -Match 'nic\s+pciAddress 0000:16:00.0\s+siov\s+ice-vdcm: 16'
        $text | Should -Match 'qat-vf\s+pciAddress 0000:f7:00.0\s+sriov\s+16 VFs'
    }

    It 'writes each error located and coded, then stops without a model' {
        $file = Join-Path (Get-RepoRoot) 'examples' 'invalid' 'mode-conflicts.yaml'
        $errors = $null
        $terminating = $null
        $output = $null
        try { $output = Import-HdIovSpec -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $terminating = $_ }

        $output | Should -BeNullOrEmpty
        $terminating.FullyQualifiedErrorId | Should -BeLike 'SpecInvalid,*'
        $terminating.CategoryInfo.Category | Should -Be 'InvalidData'
        $located = @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'HDIOV1010,*' })
        $located.Count | Should -Be 3
        $located[0].Exception.Message | Should -BeLike "${file}:15:7: error HDIOV1010:*"
        $located[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'stops with path not found for a missing file' {
        $failure = { Import-HdIovSpec -Path (Join-Path $TestDrive 'absent.yaml') } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
    }
}
