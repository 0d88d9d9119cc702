#Requires -Version 7.4
<#
.SYNOPSIS
    The one entry point for building, laying out, testing and demonstrating HdIov.Iac.

.DESCRIPTION
    Runs the named tasks in dependency order; a task that needs another runs it first, once.

      Bootstrap  dotnet tool restore; the Debian packages the tests drive (pciutils, mdevctl,
                 util-linux; installed with apt-get when running as root); Pester from its NuGet package.
      Build      dotnet build of HdIov.Iac.sln; warnings are errors.
      Layout     assembles the module under out/HdIov/<version>/ (manifest stamped from
                 Directory.Build.props, format file, the cmdlet assembly and its loader; the engine and
                 its packages in dependencies/, loaded into a private load context; en-US help made from
                 docs/cmdlets/*.md and docs/about_HdIov.md).
      Package    out/packages/: the module as a PowerShell Gallery nupkg (HdIov.<version>.nupkg, made by
                 PSResourceGet from the laid-out module) and the provider as a Pulumi plugin archive
                 (pulumi-resource-hdiov-v<version>-linux-amd64.tar.gz); see docs/packaging.md.
      Test       dotnet test over the solution (TRX): the engine and provider tests, and
                 tests/HdIov.PowerShell.Tests, which hosts PowerShell in-process (Microsoft.PowerShell.SDK) and
                 runs the Pester suite there against out/, one xunit test per Pester test; then the runners
                 below; one line "N passed, N failed, N skipped" over every runner; exits non-zero on any
                 failure or when no test ran.
      PulumiConformance
                 the Node harness in tests/pulumi-conformance: npm ci (when node_modules is missing or
                 package-lock.json changed), then the engine's call sequences against the built
                 pulumi-resource-hdiov and simulated hosts; needs node and npm (Debian: nodejs npm).
                 Run by Test as a test runner.
      Demo       creates a simulated spr-qat-e810 host under .demo/, shows its inventory, plans and
                 converges examples/spr-qat-e810/host.yaml, then converges again to show no changes.
      Bench      runs the BenchmarkDotNet project in bench/ (Release), then bench/Measure-ModuleImport.ps1
                 (import time of the module laid out with -Configuration, in fresh pwsh processes;
                 -BenchmarkFilter ModuleImport selects only that among the measurements) and
                 bench/Measure-ProviderStart.ps1 (launch of the built plugin to its port line; -BenchmarkFilter
                 ProviderStart).
      KernelLab  runs the module against a real kernel: Debian's kernel in a QEMU TCG guest with VT-d in
                 scalable mode, the mtty sample mdev driver and an SR-IOV NVMe controller
                 (tests/kernel-lab; a few minutes; part of Test).
      Clean      removes artifacts/, out/ and .demo/.

.PARAMETER Task
    One or more tasks to run. Default: Build.

.PARAMETER Configuration
    The dotnet build configuration. Default: Debug.

.PARAMETER Tag
    Runs only Pester tests with one of these tags and xunit tests whose Category trait is one of them.

.PARAMETER ExcludeTag
    Leaves out Pester tests with these tags and xunit tests whose Category trait is one of them.

.PARAMETER BenchmarkFilter
    The BenchmarkDotNet --filter glob for the Bench task. Default: every benchmark.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo

    Builds the module and walks through a converge on a simulated Sapphire Rapids host.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test

    Builds, lays out the module, runs every xunit and Pester test and prints the summary line.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test -Tag Module

    Runs only the tests tagged Module.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Layout -Configuration Release

    Writes a Release build of the module to out/HdIov/<version>/.
#>
[CmdletBinding()]
param(
    [ValidateSet('Bootstrap', 'Build', 'Layout', 'Package', 'Test', 'PulumiConformance', 'KernelLab', 'Demo', 'Bench', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    [string[]] $Tag = @(),

    [string[]] $ExcludeTag = @(),

    [string] $BenchmarkFilter = '*'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$RepoRoot = $PSScriptRoot
$Solution = Join-Path $RepoRoot 'HdIov.Iac.sln'
$ArtifactsDir = Join-Path $RepoRoot 'artifacts'
$OutDir = Join-Path $RepoRoot 'out'
$ModuleName = 'HdIov'
$DebianPackages = @('pciutils', 'mdevctl', 'util-linux',
    # VM attachments: libvirt's library, a private libvirtd with the QEMU driver, and the XML validator
    'libvirt0', 'libvirt-clients', 'libvirt-daemon', 'libvirt-daemon-driver-qemu', 'qemu-system-x86', 'libxml2-utils', 'systemd',
    # the kernel lab: the initramfs, module tooling, the state disk, and what builds mtty.ko
    'busybox-static', 'cpio', 'kmod', 'e2fsprogs', 'udev', 'gcc', 'make', 'linux-source-6.1', 'linux-headers-amd64',
    # fleet rollouts over SSH: the client the transport runs, and the servers its tests start on loopback
    'openssh-client', 'openssh-server')
$PesterVersion = '5.7.1'

$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

function Write-Step([string] $Text) {
    Write-Host "==> $Text"
}

# Runs a native command attached to this console (its output is not captured, so it keeps its colours and width);
# a non-zero exit code stops the build unless -AllowFailure, when the code is returned.
function Invoke-Native {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [switch] $AllowFailure
    )
    Write-Verbose "$FilePath $($ArgumentList -join ' ')"
    $start = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) {
        $start.ArgumentList.Add($argument)
    }
    $start.UseShellExecute = $false
    $start.WorkingDirectory = $RepoRoot
    $process = [System.Diagnostics.Process]::Start($start)
    $process.WaitForExit()
    $code = $process.ExitCode
    $process.Dispose()
    if ($code -ne 0 -and -not $AllowFailure) {
        throw "'$FilePath $($ArgumentList -join ' ')' exited with code $code."
    }
    return $code
}

# The pinned pwsh from the tool manifest, in a fresh process: the build's own session never loads the module.
function Invoke-ChildPwsh {
    param(
        [Parameter(Mandatory)] [string] $ScriptPath,
        [string[]] $ArgumentList = @(),
        [switch] $AllowFailure
    )
    Invoke-Native dotnet (@('pwsh', '-NoProfile', '-NonInteractive', '-File', $ScriptPath) + $ArgumentList) -AllowFailure:$AllowFailure
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))
    $node = $props.SelectSingleNode('/Project/PropertyGroup/VersionPrefix')
    if ($null -eq $node -or [string]::IsNullOrWhiteSpace($node.InnerText)) {
        throw 'Directory.Build.props has no VersionPrefix; it is the single source of the module version.'
    }
    $node.InnerText.Trim()
}

function Get-ModuleLayoutDir {
    Join-Path $OutDir $ModuleName (Get-ModuleVersion)
}

function Get-NuGetPackagesDir {
    if ($env:NUGET_PACKAGES) {
        return $env:NUGET_PACKAGES
    }
    $line = dotnet nuget locals global-packages --list | Select-Object -First 1
    if ($LASTEXITCODE -ne 0 -or $line -notmatch '^global-packages:\s*(.+)$') {
        throw "Could not find the NuGet packages folder ('dotnet nuget locals global-packages --list' said: $line)."
    }
    $Matches[1].Trim()
}

function Get-PesterManifestPath {
    Join-Path (Get-NuGetPackagesDir) 'pester' $PesterVersion 'tools' 'Pester.psd1'
}

function Test-IsRoot {
    $IsLinux -and ((& id -u) -eq '0')
}

function Get-MissingDebianPackages {
    if (-not (Get-Command dpkg-query -ErrorAction Ignore)) {
        return @()
    }
    @($DebianPackages | Where-Object {
            $status = & dpkg-query -W -f '${Status}' $_ 2>$null
            $LASTEXITCODE -ne 0 -or $status -notmatch 'install ok installed'
        })
}

# Test runners beyond xunit and Pester. Each is a task that writes
# artifacts/test-results/<task>/summary.json ({ Passed, Failed, Skipped }); the Test task runs them after
# Pester and adds their counts to its summary line. With -Tag a runner runs only when its name is a tag;
# -ExcludeTag with its name leaves it out.
$TestRunners = @('PulumiConformance', 'KernelLab')

function Get-RunnerSummaryPath([string] $Runner) {
    Join-Path $ArtifactsDir 'test-results' $Runner 'summary.json'
}

function Get-SelectedTestRunners {
    @($TestRunners | Where-Object {
            ($Tag.Count -eq 0 -or $Tag -contains $_) -and ($ExcludeTag -notcontains $_)
        })
}

$Tasks = [ordered]@{}
$Completed = [System.Collections.Generic.HashSet[string]]::new()

function Register-Task([string] $Name, [string[]] $DependsOn, [scriptblock] $Action) {
    $Tasks[$Name] = [pscustomobject]@{ Name = $Name; DependsOn = $DependsOn; Action = $Action }
}

function Invoke-Task([string] $Name) {
    if ($Completed.Contains($Name)) {
        return
    }
    $definition = $Tasks[$Name]
    foreach ($dependency in $definition.DependsOn) {
        Invoke-Task $dependency
    }
    Write-Step $Name
    & $definition.Action
    [void] $Completed.Add($Name)
}

Register-Task Bootstrap @() {
    Invoke-Native dotnet tool, restore | Out-Null

    $missing = @(Get-MissingDebianPackages)
    if ($missing.Count -gt 0) {
        if (Test-IsRoot) {
            Write-Host "Installing Debian packages: $($missing -join ', ')"
            $env:DEBIAN_FRONTEND = 'noninteractive'
            Invoke-Native apt-get update | Out-Null
            Invoke-Native apt-get (@('install', '-y', '--no-install-recommends') + $missing) | Out-Null
        }
        else {
            Write-Warning "Debian packages missing: $($missing -join ', '). Install them with: sudo apt-get install -y $($missing -join ' '). Tests that drive them will fail until then."
        }
    }

    $downloads = @((Get-PesterManifestPath), (Join-Path (Get-NuGetPackagesDir) 'yamldotnet' '15.3.0'))
    if (@($downloads | Where-Object { -not (Test-Path $_) }).Count -gt 0) {
        Invoke-Native dotnet restore, (Join-Path $RepoRoot 'build' 'tools' 'tools.csproj') | Out-Null
    }
    if (-not (Test-Path (Get-PesterManifestPath))) {
        throw "Pester $PesterVersion was restored but $(Get-PesterManifestPath) is missing."
    }
}

Register-Task Clean @() {
    foreach ($path in $ArtifactsDir, $OutDir, (Join-Path $RepoRoot '.demo')) {
        if (Test-Path $path) {
            Remove-Item -Recurse -Force $path
        }
    }
}

Register-Task Build @() {
    Invoke-Native dotnet build, $Solution, '-c', $Configuration, '-p:TreatWarningsAsErrors=true', '-nologo', '-clp:NoSummary' | Out-Null
}

Register-Task Layout @('Build') {
    $version = Get-ModuleVersion
    $binDir = Join-Path $ArtifactsDir 'bin' 'HdIov.PowerShell' $Configuration.ToLowerInvariant()
    $sourceDir = Join-Path $RepoRoot 'src' 'HdIov.PowerShell'
    $moduleDir = Get-ModuleLayoutDir
    $moduleRoot = Join-Path $OutDir $ModuleName

    if (Test-Path $moduleRoot) {
        Remove-Item -Recurse -Force $moduleRoot
    }
    New-Item -ItemType Directory -Force $moduleDir | Out-Null

    # The cmdlet assembly and the loader (the nested module imported first) sit in the module folder and load into
    # pwsh's default context. The engine and its packages go to dependencies/, where default probing does not look:
    # the loader loads them into HdIov's private load context, so another module's YamlDotNet cannot clash with ours.
    # System.Management.Automation comes from pwsh itself.
    $assemblies = Get-ChildItem -Path $binDir -Filter *.dll
    if (-not ($assemblies.Name -contains 'HdIov.PowerShell.dll')) {
        throw "No HdIov.PowerShell.dll under $binDir; run the Build task with -Configuration $Configuration."
    }
    $dependencyDir = Join-Path $moduleDir 'dependencies'
    New-Item -ItemType Directory -Force $dependencyDir | Out-Null
    foreach ($assembly in $assemblies) {
        $target = if ($assembly.Name -in 'HdIov.PowerShell.dll', 'HdIov.PowerShell.Loader.dll') { $moduleDir } else { $dependencyDir }
        Copy-Item $assembly.FullName $target
        $symbols = [System.IO.Path]::ChangeExtension($assembly.FullName, '.pdb')
        if (Test-Path $symbols) {
            Copy-Item $symbols $target
        }
    }
    Copy-Item (Join-Path $sourceDir 'HdIov.format.ps1xml') $moduleDir

    $manifest = (Get-Content -Raw (Join-Path $sourceDir 'HdIov.psd1')).Replace('{{ModuleVersion}}', $version)
    $manifestPath = Join-Path $moduleDir 'HdIov.psd1'
    Set-Content -Path $manifestPath -Value $manifest -NoNewline

    # Help from docs/cmdlets/*.md and docs/about_HdIov.md; the converter imports the laid-out module to read the
    # compiled cmdlets, so it runs in a child pwsh too, and fails when a cmdlet or parameter is undocumented.
    Invoke-ChildPwsh (Join-Path $RepoRoot 'build' 'ConvertTo-MamlHelp.ps1') @(
        '-ManifestPath', $manifestPath,
        '-DocsPath', (Join-Path $RepoRoot 'docs'),
        '-OutputDirectory', (Join-Path $moduleDir 'en-US')) | Out-Null

    $check = Join-Path $RepoRoot 'build' 'Test-ModuleLayout.ps1'
    Invoke-ChildPwsh $check @('-ManifestPath', $manifestPath, '-ExpectedVersion', $version) | Out-Null
    Write-Host "Module laid out at $moduleDir"
}

function Get-PackageDir {
    Join-Path $OutDir 'packages'
}

function Get-PluginArchivePath {
    Join-Path (Get-PackageDir) "pulumi-resource-hdiov-v$(Get-ModuleVersion)-linux-amd64.tar.gz"
}

# What users install without building from source (docs/packaging.md): the module as the PowerShell Gallery's
# nupkg, made by PSResourceGet from the laid-out module, and the provider as Pulumi's plugin archive, the executable
# at its root (framework-dependent: it runs on the machine's .NET 10 and ASP.NET Core runtimes).
Register-Task Package @('Build', 'Layout') {
    $packageDir = Get-PackageDir
    New-Item -ItemType Directory -Force $packageDir | Out-Null
    Invoke-ChildPwsh (Join-Path $RepoRoot 'build' 'New-ModulePackage.ps1') @(
        '-ModuleDirectory', (Get-ModuleLayoutDir),
        '-DestinationDirectory', $packageDir) | Out-Null

    $staging = Join-Path $ArtifactsDir 'package' 'pulumi-resource-hdiov'
    if (Test-Path $staging) {
        Remove-Item -Recurse -Force $staging
    }
    $project = Join-Path $RepoRoot 'src' 'HdIov.Pulumi' 'HdIov.Pulumi.csproj'
    Invoke-Native dotnet publish, $project, '-c', $Configuration, '--no-build', '--nologo', '-p:SelfContained=false', '-o', $staging | Out-Null
    $executable = Join-Path $staging 'pulumi-resource-hdiov'
    if (-not (Test-Path $executable -PathType Leaf)) {
        throw "dotnet publish wrote no $executable."
    }
    Get-ChildItem $staging -Filter *.pdb | Remove-Item
    $archive = Get-PluginArchivePath
    if (Test-Path $archive) {
        Remove-Item $archive
    }
    # The engine extracts the archive into ~/.pulumi/plugins/resource-hdiov-v<version>/ and runs
    # pulumi-resource-hdiov from there: every file sits at the archive's root, the executable keeps its mode.
    Invoke-Native tar (@('-czf', $archive, '--owner=0', '--group=0', '-C', $staging) + @(Get-ChildItem $staging -Name | Sort-Object)) | Out-Null
    Write-Host "Plugin archive: $archive"
}

# Outcomes in the TRX files under Directory; with TestNamePrefix only the tests whose name starts with it.
function Read-TrxCounts([string] $Directory, [string] $TestNamePrefix = '') {
    $files = @(Get-ChildItem -Path $Directory -Filter *.trx -Recurse -ErrorAction Ignore)
    $counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; Files = $files.Count }
    foreach ($file in $files) {
        $trx = [xml](Get-Content -Raw -LiteralPath $file.FullName)
        $ns = [System.Xml.XmlNamespaceManager]::new($trx.NameTable)
        $ns.AddNamespace('t', $trx.DocumentElement.NamespaceURI)
        foreach ($result in $trx.SelectNodes('//t:Results/t:UnitTestResult', $ns)) {
            if ($TestNamePrefix -and -not $result.GetAttribute('testName').StartsWith($TestNamePrefix, [System.StringComparison]::Ordinal)) {
                continue
            }
            switch ($result.GetAttribute('outcome')) {
                'Passed' { $counts.Passed++ }
                'NotExecuted' { $counts.Skipped++ }
                default { $counts.Failed++ }
            }
        }
    }
    [pscustomobject] $counts
}

Register-Task Test @('Bootstrap', 'Build', 'Layout', 'Package') {
    $resultsDir = Join-Path $ArtifactsDir 'test-results'
    if (Test-Path $resultsDir) {
        Remove-Item -Recurse -Force $resultsDir
    }
    $xunitDir = Join-Path $resultsDir 'xunit'
    New-Item -ItemType Directory -Force $xunitDir | Out-Null

    # One dotnet test over the solution: the engine and provider tests, and tests/HdIov.PowerShell.Tests, which hosts
    # PowerShell in-process and runs the Pester suite there (one xunit test per Pester test; a Pester test's tags are
    # its Category traits). The same filter selects both; the Pester run itself is filtered through the environment,
    # so a file's tests that the filter leaves out do not run either.
    $testArgs = @('test', $Solution, '-c', $Configuration, '--no-build', '--nologo', '--logger', 'trx', '--results-directory', $xunitDir)
    $filters = @()
    if ($Tag.Count -gt 0) {
        $filters += '(' + (($Tag | ForEach-Object { "Category=$_" }) -join '|') + ')'
    }
    foreach ($excluded in $ExcludeTag) {
        $filters += "Category!=$excluded"
    }
    if ($filters.Count -gt 0) {
        $testArgs += @('--filter', ($filters -join '&'))
    }
    $env:HDIOV_PESTER_TAG = $Tag -join ','
    $env:HDIOV_PESTER_EXCLUDETAG = $ExcludeTag -join ','
    Remove-Item Env:HDIOV_HOST_ROOT -ErrorAction Ignore
    Write-Step 'Test: xunit and Pester (in-process)'
    $xunitExit = Invoke-Native dotnet $testArgs -AllowFailure
    $xunit = Read-TrxCounts $xunitDir
    $pester = Read-TrxCounts $xunitDir -TestNamePrefix 'HdIov.PowerShell.Tests.Pester.'

    $passed = $xunit.Passed
    $failed = $xunit.Failed
    $skipped = $xunit.Skipped
    $runnerLines = @()
    foreach ($runner in (Get-SelectedTestRunners)) {
        Write-Step "Test: $runner"
        $runnerSummaryPath = Get-RunnerSummaryPath $runner
        if (Test-Path $runnerSummaryPath) {
            Remove-Item $runnerSummaryPath
        }
        try {
            Invoke-Task $runner
        }
        catch {
            Write-Host "${runner}: $($_.Exception.Message)"
        }
        if (Test-Path $runnerSummaryPath) {
            $counts = Get-Content -Raw $runnerSummaryPath | ConvertFrom-Json
            $passed += $counts.Passed
            $failed += $counts.Failed
            $skipped += $counts.Skipped
            $runnerLines += ("{0}: {1} passed, {2} failed, {3} skipped" -f $runner, $counts.Passed, $counts.Failed, $counts.Skipped)
        }
        else {
            Write-Host "${runner}: the run wrote no summary; counted as one failure."
            $failed++
            $runnerLines += "${runner}: no summary (one failure)"
        }
    }
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) {
        Write-Host "xunit: dotnet test exited with code $xunitExit without a failed test in its results; counted as one failure."
        $failed++
    }

    Write-Host ''
    Write-Host ("xunit:  {0} passed, {1} failed, {2} skipped ({3} result files), of which Pester: {4} passed, {5} failed, {6} skipped" -f
        $xunit.Passed, $xunit.Failed, $xunit.Skipped, $xunit.Files, $pester.Passed, $pester.Failed, $pester.Skipped)
    foreach ($line in $runnerLines) {
        Write-Host $line
    }
    Write-Host "Results: $resultsDir"
    $summary = "$passed passed, $failed failed, $skipped skipped"
    Write-Host $summary
    if ($failed -gt 0) {
        exit 1
    }
    if ($passed -eq 0) {
        Write-Host 'No test ran.'
        exit 1
    }
}

# The Node harness drives the built plugin with @pulumi/pulumi's own gRPC stubs (installed by npm from the lock file)
# and simulated hosts made by the laid-out module.
Register-Task PulumiConformance @('Build', 'Layout', 'Package') {
    $harnessDir = Join-Path $RepoRoot 'tests' 'pulumi-conformance'
    $summaryPath = Get-RunnerSummaryPath 'PulumiConformance'
    foreach ($tool in 'node', 'npm') {
        if (-not (Get-Command $tool -ErrorAction Ignore)) {
            throw "PulumiConformance needs '$tool' (Node.js 18 or later with npm); install it with: apt-get install -y nodejs npm"
        }
    }
    $nodeMajor = [int]((& node --version) -replace '^v(\d+)\..*$', '$1')
    if ($nodeMajor -lt 18) {
        throw "PulumiConformance needs Node.js 18 or later; 'node --version' is $(& node --version)."
    }

    # npm ci when node_modules is missing or was installed from another package-lock.json.
    $lockHash = (Get-FileHash -Algorithm SHA256 (Join-Path $harnessDir 'package-lock.json')).Hash
    $stampPath = Join-Path $harnessDir 'node_modules' '.hdiov-lock.sha256'
    if (-not (Test-Path $stampPath) -or (Get-Content -Raw $stampPath).Trim() -ne $lockHash) {
        Invoke-Native npm @('ci', '--no-audit', '--no-fund', '--prefix', $harnessDir) | Out-Null
        Set-Content -Path $stampPath -Value $lockHash
    }

    if (Test-Path $summaryPath) {
        Remove-Item $summaryPath
    }
    $env:HDIOV_CONFIGURATION = $Configuration
    Remove-Item Env:HDIOV_PROVIDER_PATH -ErrorAction Ignore
    $exit = Invoke-Native node @((Join-Path $harnessDir 'run.js'), '--summary', $summaryPath) -AllowFailure
    if (-not (Test-Path $summaryPath)) {
        throw "the harness exited with code $exit and wrote no $summaryPath"
    }
    $counts = Get-Content -Raw $summaryPath | ConvertFrom-Json

    # The plugin as users install it: the archive of the Package task unpacked as `pulumi plugin install --file`
    # unpacks it, and the harness's protocol tests against the executable at its root.
    $pluginDir = Join-Path ([System.IO.Path]::GetTempPath()) "hdiov-plugin-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory $pluginDir | Out-Null
    try {
        Invoke-Native tar @('-xzf', (Get-PluginArchivePath), '-C', $pluginDir) | Out-Null
        $env:HDIOV_PROVIDER_PATH = Join-Path $pluginDir 'pulumi-resource-hdiov'
        $packagedSummaryPath = Join-Path (Split-Path $summaryPath) 'packaged-summary.json'
        $exit = Invoke-Native node @((Join-Path $harnessDir 'run.js'), 'protocol', '--summary', $packagedSummaryPath) -AllowFailure
        if (-not (Test-Path $packagedSummaryPath)) {
            throw "the harness against the packaged plugin exited with code $exit and wrote no $packagedSummaryPath"
        }
        $packaged = Get-Content -Raw $packagedSummaryPath | ConvertFrom-Json
        Write-Host ("PulumiConformance (packaged plugin, protocol): {0} passed, {1} failed, {2} skipped" -f $packaged.Passed, $packaged.Failed, $packaged.Skipped)
        $counts = [pscustomobject]@{
            Passed   = $counts.Passed + $packaged.Passed
            Failed   = $counts.Failed + $packaged.Failed
            Skipped  = $counts.Skipped + $packaged.Skipped
            Failures = @($counts.Failures) + @($packaged.Failures | ForEach-Object { $_.Name = "packaged plugin: $($_.Name)"; $_ })
        }
        $counts | ConvertTo-Json -Depth 5 | Set-Content -Path $summaryPath
    }
    finally {
        Remove-Item Env:HDIOV_PROVIDER_PATH -ErrorAction Ignore
        Remove-Item -Recurse -Force $pluginDir -ErrorAction Ignore
    }
    foreach ($failure in $counts.Failures) {
        Write-Host "FAILED: $($failure.Name)`n    $($failure.Message)"
    }
    Write-Host ("PulumiConformance: {0} passed, {1} failed, {2} skipped" -f $counts.Passed, $counts.Failed, $counts.Skipped)
    if ($counts.Failed -gt 0) {
        throw "PulumiConformance: $($counts.Failed) test(s) failed"
    }
}

Register-Task Demo @('Layout') {
    $demoRoot = Join-Path $RepoRoot '.demo' 'spr-qat-e810'
    Invoke-ChildPwsh (Join-Path $RepoRoot 'build' 'Demo.ps1') @(
        '-ModuleRoot', $OutDir,
        '-HostRoot', $demoRoot,
        '-SpecPath', (Join-Path $RepoRoot 'examples' 'spr-qat-e810' 'host.yaml')) | Out-Null
}

Register-Task KernelLab @('Bootstrap', 'Layout') {
    Invoke-ChildPwsh (Join-Path $RepoRoot 'tests' 'kernel-lab' 'Invoke-KernelLab.ps1') @(
        '-RepoRoot', $RepoRoot,
        '-ModuleManifest', (Join-Path (Get-ModuleLayoutDir) "$ModuleName.psd1"),
        '-ResultDirectory', (Join-Path $ArtifactsDir 'test-results' 'KernelLab')) | Out-Null
}

Register-Task Bench @() {
    $project = Join-Path $RepoRoot 'bench' 'HdIov.Bench' 'HdIov.Bench.csproj'
    Invoke-Native dotnet run, '-c', 'Release', '--project', $project, '--', '--filter', $BenchmarkFilter | Out-Null

    # Module import cannot be measured in-process: fresh pwsh processes against the laid-out module (-Configuration).
    if ('ModuleImport' -like $BenchmarkFilter) {
        Invoke-Task Layout
        Invoke-ChildPwsh (Join-Path $RepoRoot 'bench' 'Measure-ModuleImport.ps1') @('-ManifestPath', (Join-Path (Get-ModuleLayoutDir) 'HdIov.psd1')) | Out-Null
    }

    # Provider start-up is a process launch too: the built plugin, timed to its port line.
    if ('ProviderStart' -like $BenchmarkFilter) {
        Invoke-Task Build
        $plugin = Join-Path $ArtifactsDir 'bin' 'HdIov.Pulumi' $Configuration.ToLowerInvariant() 'pulumi-resource-hdiov'
        Invoke-ChildPwsh (Join-Path $RepoRoot 'bench' 'Measure-ProviderStart.ps1') @('-PluginPath', $plugin) | Out-Null
    }
}

foreach ($name in $Task) {
    Invoke-Task $name
}
exit 0
