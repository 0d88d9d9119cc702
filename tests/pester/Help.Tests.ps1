# The module's help, as a user reads it with Get-Help: made by the Layout task from docs/cmdlets/*.md and
# docs/about_HdIov.md. Every example is run the way docs/cmdlets/README.md promises.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $cmdlets = @(Get-Command -Module HdIov -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $examples = @(foreach ($command in Get-Command -Module HdIov -CommandType Cmdlet) {
            foreach ($example in @((Get-Help $command.Name).examples.example)) {
                if ($example) {
                    @{ Command = $command.Name; Title = $example.title.Trim('-', ' '); Code = $example.code }
                }
            }
        })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $exampleSpec = Join-Path (Get-RepoRoot) 'examples' 'spr-qat-e810' 'host.yaml'
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Help of <Name>' -Tag Help -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
    }

    It 'has a synopsis of its own, not the generated syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^$([regex]::Escape($Name))\s"
    }

    It 'has a description' {
        ($help.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code and remarks' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
        foreach ($example in $help.examples.example) {
            $example.code | Should -Not -BeNullOrEmpty
            ($example.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) says what it does"
        }
    }

    It 'describes every parameter' {
        $described = @{}
        foreach ($parameter in @($help.parameters.parameter)) {
            $described[$parameter.name] = ($parameter.description.Text -join ' ').Trim()
        }
        foreach ($parameter in @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters })) {
            $described[$parameter] | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'names its output types' {
        @($help.returnValues.returnValue).Count | Should -BeGreaterThan 0
    }
}

Describe 'about_HdIov' -Tag Help {
    It 'is found by Get-Help and explains the concepts' {
        $text = Get-Help about_HdIov | Out-String
        $text | Should -Match 'TOPIC\s+about_HdIov'
        foreach ($concept in 'SPEC DOCUMENT', 'OBSERVE, PLAN, APPLY', 'OWNERSHIP LEDGER', 'REBOOT BARRIER', 'SIMULATED HOSTS', 'HDIOV_HOST_ROOT', 'ERROR IDS') {
            $text | Should -Match ([regex]::Escape($concept))
        }
    }
}

Describe 'Help example: <Command> <Title>' -Tag Help -ForEach $examples {
    BeforeAll {
        # As the format promises: a fresh runspace with the module, a fresh spr-qat-e810 host in $env:HDIOV_HOST_ROOT,
        # and a temporary current folder holding host.yaml.
        $folder = New-TestHostPath "example-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path $folder | Out-Null
        Copy-Item $exampleSpec (Join-Path $folder 'host.yaml')
        $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (Join-Path $folder 'host-root')).Path
        $savedRoot = $env:HDIOV_HOST_ROOT
    }

    AfterAll {
        $env:HDIOV_HOST_ROOT = $savedRoot
    }

    It 'runs without an error record' {
        $shell = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
        try {
            $shell.AddScript('param($Manifest, $Root, $Folder) Import-Module $Manifest -ErrorAction Stop; $env:HDIOV_HOST_ROOT = $Root; Set-Location $Folder').
            AddArgument((Get-HdIovManifestPath)).AddArgument($root).AddArgument($folder).Invoke() | Out-Null
            $shell.Streams.Error | Should -BeNullOrEmpty -Because 'the setup must succeed'
            $shell.Commands.Clear()
            # Out-String renders the output through the module's format views, as a console would.
            $output = $shell.AddScript($Code).AddCommand('Out-String').Invoke() -join ''
            $errors = @($shell.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
            $errors | Should -BeNullOrEmpty -Because "the example must run cleanly; it wrote:`n$output"
            $shell.HadErrors | Should -BeFalse
        }
        finally {
            $shell.Runspace.Dispose()
            $shell.Dispose()
        }
    }
}

Describe 'Help converter checks' -Tag Help {
    BeforeAll {
        $pwsh = Get-PwshCommandLine
        $converter = Join-Path (Get-RepoRoot) 'build' 'ConvertTo-MamlHelp.ps1'

        # A copy of docs/ that one test breaks, converted in a fresh process like the Layout task does.
        function Invoke-Converter([scriptblock] $Break) {
            $docs = New-TestHostPath "docs-$([guid]::NewGuid().ToString('n'))"
            New-Item -ItemType Directory -Path (Join-Path $docs 'cmdlets') | Out-Null
            Copy-Item (Join-Path (Get-RepoRoot) 'docs' 'about_HdIov.md') $docs
            Copy-Item (Join-Path (Get-RepoRoot) 'docs' 'cmdlets' '*.md') (Join-Path $docs 'cmdlets')
            & $Break (Join-Path $docs 'cmdlets')
            $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $converter `
                -ManifestPath (Get-HdIovManifestPath) -DocsPath $docs -OutputDirectory (Join-Path $docs 'en-US') 2>&1 | Out-String
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output; HelpFile = Join-Path $docs 'en-US' 'HdIov.PowerShell.dll-Help.xml' }
        }
    }

    It 'writes valid MAML from the docs as they are' {
        $run = Invoke-Converter { param($cmdlets) }
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $maml = [xml](Get-Content -Raw $run.HelpFile)
        $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        @($maml.SelectNodes('//command:command', $ns)).Count | Should -Be @(Get-Command -Module HdIov -CommandType Cmdlet).Count
        foreach ($part in 'details', 'syntax', 'parameters', 'inputTypes', 'returnValues', 'examples', 'relatedLinks') {
            @($maml.SelectNodes("//command:command/command:$part", $ns)).Count | Should -Be @(Get-Command -Module HdIov -CommandType Cmdlet).Count -Because "every command has $part"
        }
    }

    It 'fails naming the cmdlet when a cmdlet has no help file' {
        $run = Invoke-Converter { param($cmdlets) Remove-Item (Join-Path $cmdlets 'Get-HdIovHost.md') }
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match 'Get-HdIovHost has no help file'
    }

    It 'fails naming the parameter when a parameter has no description' {
        $run = Invoke-Converter {
            param($cmdlets)
            $path = Join-Path $cmdlets 'Get-HdIovPlan.md'
            (Get-Content -Raw $path) -replace '(?s)### -AsJson.*?(?=### )', '' | Set-Content $path
        }
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match 'parameter -AsJson has no description'
    }

    It 'fails when the markdown describes a parameter that does not exist' {
        $run = Invoke-Converter {
            param($cmdlets)
            $path = Join-Path $cmdlets 'Test-HdIovSpec.md'
            (Get-Content -Raw $path) -replace '## INPUTS', "### -Strict`nTreats warnings as errors.`n`n## INPUTS" | Set-Content $path
        }
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match "'### -Strict' describes a parameter Test-HdIovSpec does not have"
    }
}
