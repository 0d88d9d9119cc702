namespace HdIov.PowerShell.Fleet;

/// <summary>
/// The PowerShell an <see cref="SshFleetTarget"/> runs on its host, in the remote session. Each script answers with one
/// line of JSON, so nothing is read from display text. The host root is the session's <c>HDIOV_HOST_ROOT</c> (set by the
/// server's configuration, never sent by the client), else <c>/</c>.
/// </summary>
internal static class RemoteScripts
{
    /// <summary>Imports the module and defines the helpers the other scripts call; answers with the root and the module version.</summary>
    public const string Prepare = """
        $ErrorActionPreference = 'Stop'
        Import-Module HdIov
        # The engine loads into the module's private load context with the first command; its types are reached through
        # the loaded assembly, as PowerShell's type literals do not search that context.
        Get-HdIovSimulatedHostProfile | Out-Null
        function global:Get-HdIovRolloutRoot {
            if ($env:HDIOV_HOST_ROOT) { $env:HDIOV_HOST_ROOT } else { '/' }
        }
        function global:Open-HdIovRolloutHost {
            $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' } | Select-Object -First 1
            $engine.GetType('HdIov.Engine.Host.HostFactory', $true)::Open((Get-HdIovRolloutRoot))
        }
        function global:ConvertTo-HdIovRolloutError($Record) {
            [pscustomobject]@{
                Code = ($Record.FullyQualifiedErrorId -split ',')[0]
                Message = $Record.Exception.Message
                Fix = if ($Record.ErrorDetails) { $Record.ErrorDetails.RecommendedAction } else { $null }
            }
        }
        function global:Invoke-HdIovRolloutWithSpec([string] $HostName, [string] $SpecYaml, [scriptblock] $Action) {
            # The spec goes to a folder only this user can read, named after the host so errors name it.
            $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('hdiov-rollout-' + [guid]::NewGuid().ToString('n'))
            [System.IO.Directory]::CreateDirectory($folder, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute') | Out-Null
            try {
                $path = Join-Path $folder "$HostName.yaml"
                [System.IO.File]::WriteAllText($path, $SpecYaml)
                & $Action $path
            }
            finally {
                Remove-Item -LiteralPath $folder -Recurse -Force
            }
        }
        function global:Get-HdIovRolloutShape {
            $inventory = Get-HdIovHost
            [pscustomobject]@{
                CpuModel = $inventory.Cpu
                KernelRelease = $inventory.Kernel
                Families = @(Get-HdIovDevice | ForEach-Object Family | Sort-Object -Unique)
            }
        }
        [pscustomobject]@{ Root = Get-HdIovRolloutRoot; Version = (Get-Module HdIov).Version.ToString() } | ConvertTo-Json -Compress
        """;

    /// <summary>The plan as the engine serialises it (<c>Get-HdIovPlan -AsJson</c>), why it cannot be made, and the host's shape.</summary>
    public const string Plan = """
        param([string] $HostName, [string] $SpecYaml)
        $ErrorActionPreference = 'Stop'
        Invoke-HdIovRolloutWithSpec $HostName $SpecYaml {
            param($Path)
            $plan = $null
            $errors = @()
            try {
                $plan = Get-HdIovPlan -Path $Path -AsJson -WarningAction SilentlyContinue
            }
            catch {
                $errors = @(ConvertTo-HdIovRolloutError $_)
            }
            [pscustomobject]@{ Plan = $plan; Errors = $errors; Shape = Get-HdIovRolloutShape } | ConvertTo-Json -Depth 4 -Compress
        }
        """;

    /// <summary>
    /// <c>Set-HdIovHostState -Force -Confirm:$false</c> (the rollout is the operator's confirmation; the apply stops at a
    /// reboot barrier as the command does), then the plan that is left.
    /// </summary>
    public const string Converge = """
        param([string] $HostName, [string] $SpecYaml)
        $ErrorActionPreference = 'Stop'
        Invoke-HdIovRolloutWithSpec $HostName $SpecYaml {
            param($Path)
            $result = $null
            $done = 0
            $errors = @()
            $failed = $null
            try {
                $result = Set-HdIovHostState -Path $Path -Force -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable failed
            }
            catch {
                $failed = @($_)
            }
            foreach ($record in @($failed)) {
                if ($null -eq $record) { continue }
                $errors += ConvertTo-HdIovRolloutError $record
                if ($record.Exception.PSObject.Properties['Completed']) { $done = $record.Exception.Completed.Length }
            }
            if ($result) { $done = $result.Completed.Length }
            $left = $null
            if ($errors.Count -eq 0) {
                $left = Get-HdIovPlan -Path $Path -AsJson -WarningAction SilentlyContinue
            }
            [pscustomobject]@{ StepsDone = $done; Left = $left; Errors = $errors } | ConvertTo-Json -Depth 4 -Compress
        }
        """;

    /// <summary><c>Test-HdIovHostState</c>, its first difference when false, and the first readiness blocker.</summary>
    public const string Health = """
        param([string] $HostName, [string] $SpecYaml)
        $ErrorActionPreference = 'Stop'
        Invoke-HdIovRolloutWithSpec $HostName $SpecYaml {
            param($Path)
            $reason = $null
            $refused = $null
            $conforms = $false
            try {
                $conforms = Test-HdIovHostState -Path $Path -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable refused
            }
            catch {
                $refused = @($_)
            }
            # The local transport's rule: a missing scalable mode or PASID blocks only a spec that needs them.
            $engine = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' } | Select-Object -First 1
            $blocker = $engine.GetType('HdIov.Engine.Fleet.Rollout.LocalFleetTarget', $true)::ReadinessBlocker($HostName, (Get-HdIovRolloutRoot), $SpecYaml)
            if (@($refused).Count -gt 0) {
                $reason = 'the spec cannot be planned: ' + ((@($refused) | ForEach-Object { $e = ConvertTo-HdIovRolloutError $_; "$($e.Code): $($e.Message)" }) -join '; ')
            }
            elseif ($blocker) {
                $reason = "readiness blocker $blocker"
            }
            elseif (-not $conforms) {
                $first = @(Test-HdIovHostState -Path $Path -Detailed -WarningAction SilentlyContinue) | Select-Object -First 1
                $reason = if ($first) { "the host does not match its spec: $($first.Kind) $($first.Address): expected $($first.Expected), found $($first.Actual)" } else { 'the host does not match its spec' }
            }
            [pscustomobject]@{ Healthy = $null -eq $reason; Reason = $reason } | ConvertTo-Json -Compress
        }
        """;

    /// <summary>A group's check under <c>/bin/sh -c</c> on the host, with the session's environment; killed at its timeout.</summary>
    public const string HealthCommand = """
        param([string] $Command, [int] $TimeoutMilliseconds)
        $ErrorActionPreference = 'Stop'
        $root = Get-HdIovRolloutRoot
        $start = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
        $start.ArgumentList.Add('-c')
        $start.ArgumentList.Add($Command)
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $start.WorkingDirectory = if (Test-Path -LiteralPath $root -PathType Container) { $root } else { '/' }
        $process = [System.Diagnostics.Process]::Start($start)
        try {
            $output = $process.StandardOutput.ReadToEndAsync()
            $errors = $process.StandardError.ReadToEndAsync()
            if (-not $process.WaitForExit($TimeoutMilliseconds)) {
                $process.Kill($true)
                [pscustomobject]@{ TimedOut = $true; ExitCode = -1; Said = '' } | ConvertTo-Json -Compress
                return
            }
            $process.WaitForExit()
            $said = if ($errors.Result.Trim()) { $errors.Result.Trim() } else { $output.Result.Trim() }
            [pscustomobject]@{ TimedOut = $false; ExitCode = $process.ExitCode; Said = @($said -split "`n")[-1] } | ConvertTo-Json -Compress
        }
        finally {
            $process.Dispose()
        }
        """;

    /// <summary>The boot id, read through the engine's host so a simulated root answers as the kernel does.</summary>
    public const string BootId = """
        param([string] $BootIdPath)
        $ErrorActionPreference = 'Stop'
        $hostObject = Open-HdIovRolloutHost
        try { $hostObject.ReadText($BootIdPath).Trim() | ConvertTo-Json -Compress }
        finally { if ($hostObject -is [System.IDisposable]) { $hostObject.Dispose() } }
        """;

    /// <summary><c>systemctl reboot</c> on a real root; <c>Restart-HdIovSimulatedHost</c> on a simulated one.</summary>
    public const string Reboot = """
        $ErrorActionPreference = 'Stop'
        $root = Get-HdIovRolloutRoot
        if ([System.IO.Path]::GetFullPath($root) -eq '/') {
            $said = & systemctl reboot 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Said = "$said".Trim() } | ConvertTo-Json -Compress
        }
        else {
            Restart-HdIovSimulatedHost -HostRoot $root -Confirm:$false | Out-Null
            [pscustomobject]@{ ExitCode = 0; Said = '' } | ConvertTo-Json -Compress
        }
        """;

    /// <summary>
    /// Takes the host's rollout lock (the engine's flock on its lock file, as a local rollout takes it) without waiting,
    /// writes the holder next to it, and keeps both in the session until <see cref="Unlock"/> or the session ends (the
    /// kernel drops a dead session's flock).
    /// </summary>
    public const string Lock = """
        param([string] $Holder, [string] $LockPath, [string] $HolderPath)
        $ErrorActionPreference = 'Stop'
        $hostObject = Open-HdIovRolloutHost
        try {
            $held = $hostObject.Lock($LockPath, [TimeSpan]::Zero, [System.Threading.CancellationToken]::None)
        }
        catch {
            $cause = $_.Exception
            while ($cause.InnerException) { $cause = $cause.InnerException }
            if ($cause.GetType().Name -ne 'HostLockTimeoutException') { throw }
            $named = if ($hostObject.Exists($HolderPath)) { $hostObject.ReadText($HolderPath).Trim() } else { '' }
            if ($hostObject -is [System.IDisposable]) { $hostObject.Dispose() }
            [pscustomobject]@{ Held = $false; Holder = if ($named) { $named } else { 'another process' } } | ConvertTo-Json -Compress
            return
        }
        $hostObject.WriteFile($HolderPath, "$Holder`n")
        $global:HdIovRolloutLock = [pscustomobject]@{ Host = $hostObject; Held = $held; HolderPath = $HolderPath }
        [pscustomobject]@{ Held = $true; Holder = $Holder } | ConvertTo-Json -Compress
        """;

    /// <summary>Gives the rollout lock back: the holder file first, then the flock.</summary>
    public const string Unlock = """
        $ErrorActionPreference = 'Stop'
        $lock = Get-Variable -Name HdIovRolloutLock -Scope Global -ValueOnly -ErrorAction SilentlyContinue
        if ($lock) {
            try {
                if ($lock.Host.Exists($lock.HolderPath)) { $lock.Host.DeleteFile($lock.HolderPath) }
            }
            finally {
                $lock.Held.Dispose()
                if ($lock.Host -is [System.IDisposable]) { $lock.Host.Dispose() }
                Remove-Variable -Name HdIovRolloutLock -Scope Global
            }
        }
        'true'
        """;
}
