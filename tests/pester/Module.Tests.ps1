BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $cmdlets = @(Get-Command -Module HdIov -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $module = Get-Module HdIov
    $manifestPath = Get-HdIovManifestPath
}

Describe 'HdIov module' -Tag Module {
    It 'is loaded from the laid-out module folder out/HdIov/(version)' {
        $module.ModuleBase | Should -Be (Split-Path $manifestPath)
        $module.ModuleBase | Should -BeLike (Join-Path (Get-RepoRoot) 'out' 'HdIov' '*')
    }

    It 'carries the version of Directory.Build.props' {
        $props = [xml](Get-Content -Raw (Join-Path (Get-RepoRoot) 'Directory.Build.props'))
        $module.Version | Should -Be ([version] $props.SelectSingleNode('/Project/PropertyGroup/VersionPrefix').InnerText)
        Split-Path -Leaf $module.ModuleBase | Should -Be $module.Version.ToString()
    }

    It 'exports exactly the cmdlets its assembly defines' {
        $compiled = $module.ImplementingAssembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" } |
            Sort-Object
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($compiled)
    }

    It 'exports no functions, aliases or variables' {
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
        $module.ExportedVariables.Count | Should -Be 0
    }

    It 'lists its cmdlets explicitly in the manifest' {
        $declared = (Import-PowerShellDataFile $manifestPath).CmdletsToExport
        $declared | Should -Not -Contain '*'
    }

    It 'does not carry System.Management.Automation, which pwsh provides' {
        Join-Path $module.ModuleBase 'System.Management.Automation.dll' | Should -Not -Exist
    }
}

Describe '<Name>' -Tag Module -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
    }

    It 'uses an approved verb and the HdIov noun prefix' {
        $command.Verb | Should -BeIn (Get-Verb).Verb
        $command.Noun | Should -BeLike 'HdIov*'
    }

    It 'declares its output type' {
        $command.OutputType.Count | Should -BeGreaterThan 0
    }

    It 'supports -WhatIf and -Confirm when it changes something' {
        if ($command.Verb -in 'New', 'Set', 'Remove', 'Invoke', 'Sync', 'Restart', 'Connect', 'Disconnect', 'Install') {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
        }
        else {
            $command.Parameters.Keys | Should -Not -Contain 'WhatIf'
        }
    }

    It 'has a help message on every mandatory parameter' {
        foreach ($parameter in $command.Parameters.Values) {
            foreach ($set in $parameter.ParameterSets.Values | Where-Object IsMandatory) {
                $set.HelpMessage | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) is mandatory"
            }
        }
    }
}
