# Tab completion as a user gets it: TabExpansion2 on a command line, against simulated hosts.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $spec = Get-TestSpecPath 'mixed-split.yaml'
    $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'split')).Path
    Set-HdIovHostState -Path $spec -HostRoot $root -Confirm:$false | Out-Null
    $stray = [guid]::NewGuid()
    (Get-HdIovEngineType 'HdIov.Engine.Host.HostFactory')::Open($root).WriteAttribute(
        '/sys/class/mdev_bus/0000:6b:00.0/mdev_supported_types/4xxx-vqat_dc/create', $stray.ToString())
    $lab = (New-HdIovSimulatedHost -Profile mtty-lab -Path (New-TestHostPath 'mtty')).Path

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'VDEV name completion' -Tag Completion {
    It 'offers the VDEV names of the ownership ledger, and the UUIDs of mdevs the engine does not own' {
        $offered = Get-Completion "Get-HdIovVirtualDevice -HostRoot '$root' -Name "
        $owned = @(Get-HdIovVirtualDevice -HostRoot $root -Owned | Where-Object VdevName).VdevName
        $owned.Count | Should -BeGreaterThan 0
        foreach ($name in $owned) {
            $offered.ListItemText | Should -Contain $name
        }
        $offered.CompletionText | Should -Contain $stray.ToString()
        ($offered | Where-Object ListItemText -eq $stray.ToString()).ToolTip | Should -BeLike '*not owned*'
    }

    It 'narrows to the typed prefix' {
        $offered = Get-Completion "Get-HdIovVirtualDevice -HostRoot '$root' -Name qat/0/a"
        $offered.Count | Should -BeGreaterThan 0
        $offered.CompletionText | ForEach-Object { $_ | Should -BeLike 'qat/0/a*' }
    }

    It 'reads the host of $env:HDIOV_HOST_ROOT when -HostRoot is not on the line' {
        $saved = $env:HDIOV_HOST_ROOT
        try {
            $env:HDIOV_HOST_ROOT = $root
            (Get-Completion 'Get-HdIovVirtualDevice -Name ').CompletionText | Should -Contain $stray.ToString()
            $env:HDIOV_HOST_ROOT = $lab
            @(Get-Completion 'Get-HdIovVirtualDevice -Name ' | Where-Object CompletionText -eq $stray.ToString()).Count | Should -Be 0
        }
        finally {
            $env:HDIOV_HOST_ROOT = $saved
        }
    }

    It 'offers nothing for a folder that is not a host, without an error' {
        $missing = Join-Path (Get-TestHostsRoot) 'no-such-host'
        Get-Completion "Get-HdIovVirtualDevice -HostRoot '$missing' -Name " | Should -BeNullOrEmpty
    }

    It 'completes a name that filters to that device' {
        $name = (Get-Completion "Get-HdIovVirtualDevice -HostRoot '$root' -Name qat/0/asym/0")[0].CompletionText
        (Get-HdIovVirtualDevice -HostRoot $root -Name $name).VdevName | Should -Be 'qat/0/asym/0'
    }
}

Describe 'Device type completion' -Tag Completion {
    It 'offers the spec words and the mdev types of a QAT and E810 host' {
        $offered = (Get-Completion "Get-HdIovVirtualDevice -HostRoot '$root' -Type ").CompletionText
        foreach ($type in 'asym', 'sym', 'dc', 'ice-vdcm', '4xxx-vqat_asym', '4xxx-vqat_dc') {
            $offered | Should -Contain $type
        }
    }

    It 'offers the types of the host the line names: mtty on the mtty lab' {
        $offered = Get-Completion "Get-HdIovVirtualDevice -HostRoot '$lab' -Type mtty"
        $offered.CompletionText | Should -Contain 'mtty-1'
        $offered.CompletionText | Should -Not -Contain 'asym'
        ($offered | Where-Object CompletionText -eq 'mtty-1').ToolTip | Should -Match 'free'
    }

    It 'completes a type that filters by it' {
        (Get-HdIovVirtualDevice -HostRoot $root -Type asym).VdevName | ForEach-Object { $_ | Should -BeLike '*/asym/*' }
        @(Get-HdIovVirtualDevice -HostRoot $root -Type 4xxx-vqat_dc).Uuid | Should -Contain $stray
    }
}

Describe 'PCI address completion' -Tag Completion {
    It 'completes the PFs of the host for Get-HdIovDevice -PciAddress and Get-HdIovVirtualDevice -Parent' {
        (Get-Completion "Get-HdIovDevice -HostRoot '$root' -PciAddress 0000:6b").CompletionText | Should -Be @('0000:6b:00.0')
        (Get-Completion "Get-HdIovVirtualDevice -HostRoot '$root' -Parent 0000:f7").CompletionText | Should -Be @('0000:f7:00.0')
    }
}
