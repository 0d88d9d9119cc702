BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
}

Describe 'Get-HdIovSimulatedHostProfile' -Tag Simulation {
    It 'lists every profile New-HdIovSimulatedHost accepts, sorted by name' {
        $profiles = Get-HdIovSimulatedHostProfile
        $profiles.Name | Should -Contain 'spr-qat-e810'
        $profiles.Name | Should -Contain 'spr-pasid-off'
        $profiles.Name | Should -Contain 'mtty-lab'
        $profiles.Name | Should -Be ($profiles.Name | Sort-Object { $_ } -CaseSensitive)
    }

    It 'describes a profile with its kernel and CPU' {
        $spr = Get-HdIovSimulatedHostProfile -Name spr-qat-e810
        $spr.Description | Should -BeLike '*Sapphire Rapids*'
        $spr.Kernel | Should -Be '5.15.0-91-generic'
        $spr.Cpu | Should -BeLike '*Xeon*8480+*'
        $spr.BootArguments | Should -BeLike '*intel_iommu=on,sm_on*'
    }

    It 'gives a host built from the profile the profile''s kernel and CPU' {
        $spr = Get-HdIovSimulatedHostProfile spr-qat-e810
        $root = (New-HdIovSimulatedHost -Profile $spr.Name -Path (New-TestHostPath 'spr')).Path
        try {
            $inventory = Get-HdIovHost -HostRoot $root
            $inventory.Kernel | Should -Be $spr.Kernel
            $inventory.Cpu | Should -Be $spr.Cpu
        }
        finally {
            Remove-TestHostPaths
        }
    }

    It 'takes a wildcard pattern' {
        $names = (Get-HdIovSimulatedHostProfile -Name 'spr-*').Name
        $names | Should -Contain 'spr-qat-e810'
        $names | Should -Contain 'spr-pasid-off'
        $names | Should -Not -Contain 'mtty-lab'
    }

    It 'reports an unknown name as not found and lists the known ones' {
        $errors = $null
        Get-HdIovSimulatedHostProfile -Name 'no-such-host' -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'UnknownSimulatedHostProfile,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].Exception.Message | Should -BeLike '*spr-qat-e810*'
    }

    It 'returns nothing and no error for a pattern that matches nothing' {
        $errors = $null
        Get-HdIovSimulatedHostProfile -Name 'zz*' -ErrorVariable errors | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'completes -Name with the profile names' {
        $line = 'Get-HdIovSimulatedHostProfile -Name spr-'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'spr-qat-e810'
        $completion.CompletionMatches.CompletionText | Should -Not -Contain 'mtty-lab'
    }

    It 'formats as a table with the name, kernel and CPU' {
        $text = Get-HdIovSimulatedHostProfile mtty-lab | Out-String -Width 250
        $text | Should -Match 'Name\s+Kernel\s+Cpu\s+Description'
        $text | Should -Match 'mtty-lab\s+6\.1\.0-28-amd64'
    }
}
