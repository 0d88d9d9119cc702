# The engine and YamlDotNet load into HdIov's private load context, so a module that brings another YamlDotNet
# into the default context works beside HdIov, whichever of the two is imported first.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $pwsh = Get-PwshCommandLine
    $spec = Join-Path (Get-RepoRoot) 'examples' 'spr-qat-e810' 'host.yaml'

    # YamlDotNet 15 from the NuGet cache (build/tools/tools.csproj downloads it; the engine uses 18).
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' }
    $otherYaml = Join-Path $packages 'yamldotnet' '15.3.0' 'lib' 'net8.0' 'YamlDotNet.dll'

    # A module like many in the gallery: it loads its YamlDotNet into the default context with Add-Type.
    $otherModule = Join-Path (Get-TestHostsRoot) 'OtherYaml'
    New-Item -ItemType Directory -Force $otherModule | Out-Null
    Set-Content -Path (Join-Path $otherModule 'OtherYaml.psm1') -Value @"
Add-Type -Path '$otherYaml'
function ConvertFrom-OtherYaml([string] `$Text) {
    `$deserializer = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build()
    `$deserializer.Deserialize([System.IO.StringReader]::new(`$Text))
}
"@

    # The scenario, in a fresh process per import order; it reports what worked and which YamlDotNet loaded where.
    $scenario = Join-Path (Get-TestHostsRoot) 'Invoke-ImportOrder.ps1'
    Set-Content -Path $scenario -Value @'
param([string] $Order, [string] $Manifest, [string] $OtherModule, [string] $Spec)
$ErrorActionPreference = 'Stop'
function Use-HdIov { Import-Module $Manifest; Test-HdIovSpec -Path $Spec }
function Use-Other { Import-Module $OtherModule; (ConvertFrom-OtherYaml "pfs: 8`nkind: qat")['pfs'] }
if ($Order -eq 'OtherFirst') { $other = Use-Other; $valid = Use-HdIov }
else { $valid = Use-HdIov; $other = Use-Other }
[pscustomobject]@{
    SpecValid = $valid
    OtherValue = $other
    # Both modules must still work after the second one loaded.
    SpecValidAfter = Test-HdIovSpec -Path $Spec
    OtherValueAfter = (ConvertFrom-OtherYaml 'answer: 42')['answer']
    Yaml = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object {
            [pscustomobject]@{ Version = $_.GetName().Version.ToString(); Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
        })
} | ConvertTo-Json -Depth 3
'@

    function Invoke-ImportOrder([string] $Order) {
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $scenario `
            -Order $Order -Manifest (Get-HdIovManifestPath) -OtherModule (Join-Path $otherModule 'OtherYaml.psm1') -Spec $spec 2>&1 | Out-String
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
    }
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'HdIov beside a module with another YamlDotNet' -Tag LoadContext {
    It 'needs YamlDotNet 15.3.0 from the NuGet cache (dotnet pwsh ./build.ps1 -Task Bootstrap)' {
        $otherYaml | Should -Exist
    }

    It 'both work when <Order> is imported first, each with its own YamlDotNet' -ForEach @(
        @{ Order = 'OtherFirst' }
        @{ Order = 'HdIovFirst' }
    ) {
        $run = Invoke-ImportOrder $Order
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $result = $run.Output | ConvertFrom-Json
        $result.SpecValid | Should -BeTrue
        $result.SpecValidAfter | Should -BeTrue
        $result.OtherValue | Should -Be '8'
        $result.OtherValueAfter | Should -Be '42'
        @($result.Yaml).Count | Should -Be 2
        ($result.Yaml | Where-Object Context -eq 'HdIov').Version | Should -BeLike '18.*'
        ($result.Yaml | Where-Object Context -ne 'HdIov').Version | Should -BeLike '15.*'
    }
}

Describe 'HdIov load context' -Tag LoadContext {
    It 'loads the engine and YamlDotNet into the HdIov context, from dependencies/' {
        Test-HdIovSpec -Path $spec | Should -BeTrue
        $dependencies = Join-Path (Split-Path (Get-HdIovManifestPath)) 'dependencies'
        foreach ($name in 'HdIov.Engine', 'YamlDotNet') {
            $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name }
            @($assembly).Count | Should -Be 1 -Because "one $name is loaded"
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name | Should -Be 'HdIov'
            Split-Path $assembly.Location | Should -Be $dependencies
        }
    }

    It 'keeps the cmdlet assembly in the default context, without a reference to YamlDotNet' {
        $assembly = (Get-Module HdIov).ImplementingAssembly
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly) | Should -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
        $assembly.GetReferencedAssemblies().Name | Should -Not -Contain 'YamlDotNet'
    }
}
