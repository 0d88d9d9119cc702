# What the kernel lab's scenarios need to drive and read a host, the real one at / or a simulated one: specs for
# the mtty parent and the NVMe PF, and readings of sysfs that do not go through the engine (the ground truth the
# engine's answers are compared with).

Set-StrictMode -Version Latest

$script:MttyTypes = '/sys/class/mdev_bus/mtty/mdev_supported_types'

# The lab's host name: it seeds the VDEV UUIDs, so the guest and the simulator derive the same ones.
$script:LabHostName = 'klab'

function Join-HostPath([string] $HostRoot, [string] $Path) {
    if ($HostRoot -eq '/') { $Path } else { $HostRoot.TrimEnd('/') + $Path }
}

# Writes a HostState document for the mtty parent (and, with -Vfs, the NVMe PF) and returns its path.
function New-LabSpec {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [System.Collections.IDictionary] $Mtty = [ordered]@{},
        [ValidateSet('keep', 'adopt', 'prune')] [string] $Ownership = 'keep',
        [int] $Vfs = -1,
        [string] $VfDriver = 'vfio-pci'
    )
    $lines = @(
        'apiVersion: hdiov.dev/v1alpha1'
        'kind: HostState'
        'metadata:'
        "  name: $script:LabHostName"
        'spec:'
        '  devices:')
    if ($Mtty.Count -gt 0) {
        $counts = ($Mtty.GetEnumerator() | ForEach-Object { "$($_.Key): $($_.Value)" }) -join ', '
        $lines += @(
            '    - name: mtty'
            '      select: { parent: mtty }'
            '      mode: siov'
            "      vdevs: { $counts }"
            "      ownership: $Ownership")
    }
    if ($Vfs -ge 0) {
        $lines += @(
            '    - name: nvme'
            '      select: { pciAddress: "0000:01:00.0" }'
            '      mode: sriov'
            "      vfs: { count: $Vfs, driver: $VfDriver }")
    }
    if ($Mtty.Count -eq 0 -and $Vfs -lt 0) {
        $lines[-1] = '  devices: []'
    }
    Set-Content -Path $Path -Value $lines
    $Path
}

# The live mdevs as sysfs lists them: UUID, type and IOMMU group, sorted by UUID.
function Get-LabMdev([string] $HostRoot = '/') {
    $devices = Join-HostPath $HostRoot '/sys/bus/mdev/devices'
    if (-not [System.IO.Directory]::Exists($devices)) {
        return @()
    }
    @([System.IO.Directory]::GetFileSystemEntries($devices) | ForEach-Object {
            $device = $_
            $type = [System.IO.Path]::GetFileName((Get-Item -LiteralPath "$device/mdev_type").LinkTarget)
            $group = [System.IO.Path]::GetFileName((Get-Item -LiteralPath "$device/iommu_group").LinkTarget)
            [pscustomobject]@{ Uuid = [System.IO.Path]::GetFileName($device); Type = $type; IommuGroup = [int] $group }
        } | Sort-Object Uuid)
}

# available_instances of every mtty type, by type id.
function Get-LabAvailable([string] $HostRoot = '/') {
    $types = Join-HostPath $HostRoot $script:MttyTypes
    $available = [ordered]@{}
    foreach ($type in ([System.IO.Directory]::GetDirectories($types) | Sort-Object)) {
        $available[[System.IO.Path]::GetFileName($type)] = [int] [System.IO.File]::ReadAllText("$type/available_instances").Trim()
    }
    $available
}

# The mdevctl definitions under /etc/mdevctl.d/mtty as files: UUID -> JSON text.
function Get-LabMdevctlFile([string] $HostRoot = '/') {
    $folder = Join-HostPath $HostRoot '/etc/mdevctl.d/mtty'
    $files = [ordered]@{}
    if ([System.IO.Directory]::Exists($folder)) {
        foreach ($file in ([System.IO.Directory]::GetFiles($folder) | Sort-Object)) {
            $files[[System.IO.Path]::GetFileName($file)] = [System.IO.File]::ReadAllText($file)
        }
    }
    $files
}

# An engine type by name. The module loads the engine into its own load context, where PowerShell's type
# literals ((Get-LabEngineType 'HdIov.Engine...')) do not look, so scripts reach engine types through the loaded assembly.
function Get-LabEngineType([Parameter(Mandatory)] [string] $FullName) {
    $engine = @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' })
    if ($engine.Count -eq 0) {
        Get-HdIovSimulatedHostProfile | Out-Null
        $engine = @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'HdIov.Engine' })
    }
    $engine[0].GetType($FullName, $true)
}

# One sysfs write through the engine's host seam, as `echo value > path` does; returns the errno name or 'ok'.
function Invoke-LabWrite {
    param(
        [Parameter(Mandatory)] [string] $HostRoot,
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $Value
    )
    $hostSeam = (Get-LabEngineType 'HdIov.Engine.Host.HostFactory')::Open($HostRoot)
    try {
        $hostSeam.WriteAttribute($Path, $Value)
        'ok'
    }
    catch {
        $hostIo = Get-LabEngineType 'HdIov.Engine.Host.HostIoException'
        $failure = if ($_.Exception -is $hostIo) { $_.Exception } else { $_.Exception.InnerException }
        if ($failure -is $hostIo) { $failure.Errno.ToString() } else { throw }
    }
}

function Get-LabMttyCreatePath([string] $Type) { "$script:MttyTypes/$Type/create" }

# The UUID the engine derives for a VDEV of the lab's host.
function Get-LabVdevUuid([string] $VdevName) {
    (Get-LabEngineType 'HdIov.Engine.Model.VdevIdentity')::UuidV5((Get-LabEngineType 'HdIov.Engine.Model.VdevIdentity')::Namespace, "$script:LabHostName/$VdevName")
}

Export-ModuleMember -Function New-LabSpec, Get-LabMdev, Get-LabAvailable, Get-LabMdevctlFile, Invoke-LabWrite, Get-LabMttyCreatePath, Get-LabVdevUuid, Join-HostPath, Get-LabEngineType
