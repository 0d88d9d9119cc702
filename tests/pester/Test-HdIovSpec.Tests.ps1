BeforeDiscovery {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    # Every invalid example names the diagnostics it must produce: "# expect: CODE line:column [key path]".
    $invalid = @(Get-ChildItem (Join-Path $repo 'examples' 'invalid') -Filter *.yaml | ForEach-Object {
        $expected = @(Select-String -Path $_.FullName -Pattern '^# expect: (HDIOV\d{4}) (\d+:\d+)' | ForEach-Object {
            @{ Code = $_.Matches[0].Groups[1].Value; Position = $_.Matches[0].Groups[2].Value }
        })
        @{ Name = $_.Name; File = $_.FullName; Expected = $expected }
    })
    $valid = @(Get-ChildItem (Join-Path $repo 'examples') -Filter host.yaml -Recurse | ForEach-Object { @{ Name = $_.Directory.Name; File = $_.FullName } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
}

Describe 'Test-HdIovSpec' -Tag Spec {
    It 'accepts the example <Name>' -ForEach $valid {
        $errors = $null
        Test-HdIovSpec -Path $File -ErrorVariable errors | Should -BeExactly $true
        $errors | Should -BeNullOrEmpty
        Test-HdIovSpec -Path $File -PassThru | Where-Object IsError | Should -BeNullOrEmpty
    }

    It 'rejects <Name> with each error located at file:line:column and coded as its error id' -ForEach $invalid {
        $errors = $null
        Test-HdIovSpec -Path $File -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeExactly $false
        $errors.Count | Should -BeGreaterThan 0
        foreach ($expectation in $Expected) {
            $match = @($errors | Where-Object {
                $_.FullyQualifiedErrorId -like "$($expectation.Code),*" -and $_.Exception.Message.StartsWith("${File}:$($expectation.Position):")
            })
            $match.Count | Should -Be 1 -Because "$($expectation.Code) at $($expectation.Position) is expected"
            $match[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $match[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }
    }

    It 'returns the diagnostics as objects with -PassThru, instead of errors' {
        $file = Join-Path (Get-RepoRoot) 'examples' 'invalid' 'mode-conflicts.yaml'
        $errors = $null
        $diagnostics = Test-HdIovSpec -Path $file -PassThru -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $diagnostics | ForEach-Object { $_ | Should -BeOfType (Get-HdIovEngineType 'HdIov.Engine.Diagnostics.Diagnostic') }
        $diagnostics.Code | Should -Be @('HDIOV1010', 'HDIOV1010', 'HDIOV1010')
        $diagnostics[0].Location.Line | Should -Be 15
        $diagnostics[0].Location.Column | Should -Be 7
        $diagnostics[0].KeyPath | Should -Be 'spec.devices[0].vfs'
    }

    It 'formats -PassThru diagnostics as a table with line:column' {
        $file = Join-Path (Get-RepoRoot) 'examples' 'invalid' 'unknown-key.yaml'
        Test-HdIovSpec -Path $file -PassThru | Out-String -Width 250 | Should -Match '14:7\s+Error\s+HDIOV1004\s+unknown key'
    }

    It 'takes files from Get-ChildItem through the pipeline' {
        $answers = Get-ChildItem (Join-Path (Get-RepoRoot) 'examples') -Filter host.yaml -Recurse | Test-HdIovSpec
        @($answers).Count | Should -BeGreaterThan 1
        $answers | Should -Not -Contain $false
    }

    It 'does not need a host' {
        Test-HdIovSpec -Path (Get-TestSpecPath 'qat-two-pfs.yaml') | Should -BeExactly $true
        (Get-Command Test-HdIovSpec).Parameters.Keys | Should -Not -Contain 'HostRoot'
    }

    It 'stops with path not found for a missing file' {
        $failure = { Test-HdIovSpec -Path (Join-Path $TestDrive 'absent.yaml') } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
