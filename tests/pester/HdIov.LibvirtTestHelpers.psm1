# A real libvirtd (QEMU driver) for the VM attachment tests, private to one test file: session mode with its
# runtime, config, cache and data folders in a temporary folder, so nothing system-wide is read or changed. As root
# the daemon runs as the user nobody (a root libvirtd is always the system daemon). A missing part fails with the
# Debian package to install.

Set-StrictMode -Version Latest

function Assert-LibvirtComponent {
    $needs = [ordered]@{
        '/usr/sbin/libvirtd'           = 'libvirt-daemon'
        '/usr/bin/virsh'               = 'libvirt-clients'
        '/usr/bin/qemu-system-x86_64'  = 'qemu-system-x86'
        '/usr/bin/virt-xml-validate'   = 'libvirt-clients'
        '/usr/bin/xmllint'             = 'libxml2-utils'
    }
    foreach ($path in $needs.Keys) {
        if (-not (Test-Path -LiteralPath $path)) {
            throw "$path is missing: install the Debian package $($needs[$path]) (apt-get install $($needs[$path]))"
        }
    }
    if (-not (Get-ChildItem -Path /usr/lib -Filter libvirt_driver_qemu.so -Recurse -ErrorAction Ignore | Select-Object -First 1)) {
        throw 'the libvirt QEMU driver is missing: install the Debian package libvirt-daemon-driver-qemu'
    }
    if (-not (Get-ChildItem -Path /usr/lib -Filter 'libvirt.so.0' -Recurse -ErrorAction Ignore | Select-Object -First 1)) {
        throw 'libvirt.so.0 is missing: install the Debian package libvirt0'
    }
}

function Start-TestLibvirtd {
    Assert-LibvirtComponent
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) "hdiov-libvirtd-$([guid]::NewGuid().ToString('n').Substring(0, 12))"
    foreach ($sub in 'run', 'config', 'cache', 'data', 'home') {
        New-Item -ItemType Directory -Path (Join-Path $folder $sub) -Force | Out-Null
    }
    $asRoot = (& id -u) -eq '0'
    $start = [System.Diagnostics.ProcessStartInfo]::new($(if ($asRoot) { '/usr/bin/setpriv' } else { '/usr/sbin/libvirtd' }))
    if ($asRoot) {
        & chown -R 65534:65534 $folder
        foreach ($argument in '--reuid=65534', '--regid=65534', '--clear-groups', '/usr/sbin/libvirtd') { $start.ArgumentList.Add($argument) }
    }
    foreach ($argument in '--timeout', '600') { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.Environment.Clear()
    $start.Environment['PATH'] = '/usr/sbin:/usr/bin:/sbin:/bin'
    $start.Environment['HOME'] = Join-Path $folder 'home'
    $start.Environment['XDG_RUNTIME_DIR'] = Join-Path $folder 'run'
    $start.Environment['XDG_CONFIG_HOME'] = Join-Path $folder 'config'
    $start.Environment['XDG_CACHE_HOME'] = Join-Path $folder 'cache'
    $start.Environment['XDG_DATA_HOME'] = Join-Path $folder 'data'
    $process = [System.Diagnostics.Process]::Start($start)
    $socket = Join-Path $folder 'run' 'libvirt' 'libvirt-sock'
    $daemon = [pscustomobject]@{ Folder = $folder; Process = $process; Uri = "qemu+unix:///session?socket=$socket" }
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        if ((Test-Path -LiteralPath $socket) -and ((& virsh -c $daemon.Uri list --all 2>&1) -and $LASTEXITCODE -eq 0)) { break }
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            throw "libvirtd did not start; run it by hand with XDG_RUNTIME_DIR=$folder/run to see why"
        }
        Start-Sleep -Milliseconds 100
    }
    $daemon
}

function Stop-TestLibvirtd([Parameter(Mandatory)] $Daemon) {
    if (-not $Daemon.Process.HasExited) {
        $Daemon.Process.Kill()
        $Daemon.Process.WaitForExit(5000) | Out-Null
    }
    Remove-Item -LiteralPath $Daemon.Folder -Recurse -Force -ErrorAction Ignore
}

# Defines a shut-off domain; extra device XML goes into <devices>.
function New-TestDomain([Parameter(Mandatory)] $Daemon, [Parameter(Mandatory)] [string] $Name, [string] $Devices = '', [string] $Machine = 'pc') {
    $file = Join-Path $Daemon.Folder "$Name.xml"
    Set-Content -LiteralPath $file -Value @"
<domain type='qemu'>
  <name>$Name</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='$Machine'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>$Devices</devices>
</domain>
"@
    $output = & virsh -c $Daemon.Uri define $file 2>&1
    if ($LASTEXITCODE -ne 0) { throw "virsh define failed: $output" }
}

function Get-TestDomainXml([Parameter(Mandatory)] $Daemon, [Parameter(Mandatory)] [string] $Name) {
    $output = & virsh -c $Daemon.Uri dumpxml --inactive $Name 2>&1
    if ($LASTEXITCODE -ne 0) { throw "virsh dumpxml failed: $output" }
    $output -join "`n"
}

# Tells a simulated host which libvirt answers for a URI (docs/simulation.md).
function Set-SimulatedLibvirtUri([Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] $Daemon, [string] $Uri = 'qemu:///system') {
    @{ uris = @{ $Uri = $Daemon.Uri } } | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $Root '.hdiov-sim' 'libvirt.json')
}
