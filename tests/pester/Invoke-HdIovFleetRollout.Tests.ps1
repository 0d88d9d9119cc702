BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule

    function New-LabHosts([string] $Dir, [string[]] $Hosts) {
        New-Item -ItemType Directory $Dir -Force | Out-Null
        foreach ($name in $Hosts) {
            New-HdIovSimulatedHost -Profile mtty-lab -Path (Join-Path $Dir $name) | Out-Null
        }
    }
}

Describe 'Invoke-HdIovFleetRollout' -Tag Fleet {
    BeforeEach {
        $dir = New-TestHostPath "rollout-$([guid]::NewGuid().ToString('n'))"
        $names = 'lab-1', 'lab-2', 'lab-3'
        New-LabHosts $dir $names
    }

    AfterAll { Remove-TestHostPaths }

    It 'converges every host wave by wave, one result per host, with journal, JUnit and Markdown reports' {
        $fleet = New-LabFleet $dir $names -Strategy '  strategy: { waves: [1, 2], throttle: 2 }'
        $junit = Join-Path $dir 'junit.xml'
        $markdown = Join-Path $dir 'summary.md'

        $results = @(Invoke-HdIovFleetRollout -Path $fleet -JUnitPath $junit -MarkdownPath $markdown)

        $results.Count | Should -Be 3
        ($results | Sort-Object HostName).HostName | Should -Be $names
        $results | ForEach-Object { $_.Status | Should -Be 'Converged'; $_.StepsDone | Should -BeGreaterThan 0 }
        ($results | Where-Object HostName -EQ 'lab-1').Wave | Should -Be 1
        ([xml](Get-Content $junit -Raw)).testsuites.testsuite.Count | Should -Be 2
        (Select-Xml -Path $junit -XPath '//testcase').Count | Should -Be 3
        & xmllint --noout --schema (Join-Path (Get-RepoRoot) '..' 'shared' 'fixtures' 'junit' 'junit-10.xsd') $junit 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        Get-Content $markdown -Raw | Should -BeLike '*completed*lab-3*'
        $journal = Get-Content "$fleet.rollout.json" -Raw | ConvertFrom-Json
        $journal.outcome | Should -Be 'Completed'
        $journal.hosts.status | Should -Be 'Converged', 'Converged', 'Converged'

        $again = @(Invoke-HdIovFleetRollout -Path $fleet)
        $again.Status | Should -Be 'Unchanged', 'Unchanged', 'Unchanged'
    }

    It '-WhatIf lists the waves and changes nothing' {
        $fleet = New-LabFleet $dir $names -Strategy '  strategy: { waves: [1, 2] }'
        $before = foreach ($name in $names) { Get-TreeSnapshot (Join-Path $dir $name) }

        $output = @(Invoke-HdIovFleetRollout -Path $fleet -WhatIf)

        $output.Count | Should -Be 0
        $(foreach ($name in $names) { Get-TreeSnapshot (Join-Path $dir $name) }) | Should -Be $before
        Test-Path "$fleet.rollout.json" | Should -BeFalse
    }

    It '-WhatIf shows the waves the rollout runs: hardware canaries first, as Get-HdIovFleetPlan shows them' {
        New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (Join-Path $dir 'accel-1') | Out-Null
        New-LabFleet $dir $names | Out-Null
        Set-Content (Join-Path $dir 'accel.yaml') @'
apiVersion: hdiov.dev/v1alpha1
kind: HostState
metadata: { name: template }
spec:
  devices:
    - name: qat-vf
      select: { pciAddress: "0000:f7:00.0" }
      mode: sriov
      vfs: { count: 2 }
'@
        $fleet = Join-Path $dir 'fleet.yaml'
        $hostLines = foreach ($name in 'lab-1', 'lab-2', 'accel-1', 'lab-3') {
            $role = $name -like 'accel-*' ? 'accel' : 'lab'
            "    - { name: $name, transport: { local: { root: '$(Join-Path $dir $name)' } }, labels: { role: $role }, values: { ports: 1 } }"
        }
        Set-Content $fleet @"
apiVersion: hdiov.dev/v1alpha1
kind: Fleet
metadata: { name: shapes }
spec:
  hosts:
$($hostLines -join "`n")
  groups:
    - { name: lab, selector: { matchLabels: { role: lab } }, spec: { path: ./mtty.yaml } }
    - { name: accel, selector: { matchLabels: { role: accel } }, spec: { path: ./accel.yaml } }
  strategy: { waves: [1, 2], canaries: hardware }
"@
        $before = foreach ($name in 'lab-1', 'lab-2', 'accel-1', 'lab-3') { Get-TreeSnapshot (Join-Path $dir $name) | Where-Object { $_ -notlike '.hdiov-sim/kernel.lock *' } }
        $pwsh = @(Get-PwshCommandLine)

        # -WhatIf speaks to the host, so it runs in a child pwsh whose output is read.
        $said = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "Import-Module '$(Get-HdIovManifestPath)'; Invoke-HdIovFleetRollout -Path '$fleet' -WhatIf" 2>&1 | ForEach-Object { "$_" }

        @($said | Where-Object { $_ -like 'What if:*' }) | Should -Be @(
            'What if: Performing the operation "Roll out" on target "wave 1 (canary): 2 hosts (lab-1, accel-1)".'
            'What if: Performing the operation "Roll out" on target "wave 2: 2 hosts (lab-2, lab-3)".'
        )
        $(foreach ($name in 'lab-1', 'lab-2', 'accel-1', 'lab-3') { Get-TreeSnapshot (Join-Path $dir $name) | Where-Object { $_ -notlike '.hdiov-sim/kernel.lock *' } }) | Should -Be $before
        $planned = @(Get-HdIovFleetPlan -Path $fleet | Where-Object { $_.PSObject.Properties['Wave'] -and $_.PSObject.Properties['Host'] })
        ($planned | Sort-Object Host | ForEach-Object { "$($_.Host)=$($_.Wave)" }) | Should -Be 'accel-1=1', 'lab-1=1', 'lab-2=2', 'lab-3=2'
        $results = @(Invoke-HdIovFleetRollout -Path $fleet)
        ($results | Sort-Object HostName | ForEach-Object { "$($_.HostName)=$($_.Wave)" }) | Should -Be 'accel-1=1', 'lab-1=1', 'lab-2=2', 'lab-3=2'
        $results.Status | Should -Be 'Converged', 'Converged', 'Converged', 'Converged'
    }

    It 'halts with a terminating error naming the budget and wave, and a resume after the fix finishes the fleet' {
        $fleet = New-LabFleet $dir $names -Ports @{ 'lab-2' = 999 } -Strategy '  strategy: { waves: [1, 1, 1] }'
        $results = [System.Collections.Generic.List[object]]::new()
        $failure = $null

        try { Invoke-HdIovFleetRollout -Path $fleet | ForEach-Object { $results.Add($_) } } catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -BeLike 'HDIOV5010,*'
        $failure.Exception.Message | Should -BeLike "*per-wave failure budget 'any' (0 hosts) was exceeded at wave 2*"
        $results.Status | Should -Be 'Converged', 'Failed', 'Skipped'
        $results[2].Message | Should -BeLike 'halted:*'
        $lab1 = Get-TreeSnapshot (Join-Path $dir 'lab-1')

        $fleet = New-LabFleet $dir $names -Strategy '  strategy: { waves: [1, 1, 1] }'
        $resumed = @(Invoke-HdIovFleetRollout -Path $fleet -Resume "$fleet.rollout.json")

        $resumed.Status | Should -Be 'Unchanged', 'Converged', 'Converged'
        $resumed[0].Message | Should -BeLike '*not contacted*'
        Get-TreeSnapshot (Join-Path $dir 'lab-1') | Should -Be $lab1
    }

    It 'refuses a journal that is not one, naming it' {
        $fleet = New-LabFleet $dir $names
        Set-Content (Join-Path $dir 'bad.json') '{ "not": "a journal" '

        { Invoke-HdIovFleetRollout -Path $fleet -Resume (Join-Path $dir 'bad.json') } | Should -Throw -ErrorId 'HDIOV5012,*'
    }

    It 'reboots a host whose kernel arguments need it, with -Force' {
        Set-Content (Join-Path $dir 'boot.yaml') @'
apiVersion: hdiov.dev/v1alpha1
kind: HostState
metadata: { name: template }
spec:
  platform: { kernelArgs: [ "hugepagesz=2M" ] }
  devices:
    - { name: tty, select: { parent: mtty }, mode: siov, vdevs: { mtty-1: 1 } }
'@
        $fleet = Join-Path $dir 'boot-fleet.yaml'
        Set-Content $fleet @"
apiVersion: hdiov.dev/v1alpha1
kind: Fleet
metadata: { name: boot }
spec:
  hosts:
    - { name: lab-1, transport: { local: { root: '$(Join-Path $dir 'lab-1')' } } }
  groups:
    - { name: boot, selector: {}, spec: { path: ./boot.yaml } }
  strategy: { reboot: { policy: whenNeeded, maxPerHost: 1 } }
"@
        $bootId = Get-Content (Join-Path $dir 'lab-1' 'proc' 'sys' 'kernel' 'random' 'boot_id') -Raw

        $result = Invoke-HdIovFleetRollout -Path $fleet -Force

        $result.Status | Should -Be 'Converged'
        $result.Reboots | Should -Be 1
        $result.PendingReboot | Should -BeFalse
        Get-Content (Join-Path $dir 'lab-1' 'proc' 'sys' 'kernel' 'random' 'boot_id') -Raw | Should -Not -Be $bootId
        Get-Content (Join-Path $dir 'lab-1' 'proc' 'cmdline') -Raw | Should -BeLike '*hugepagesz=2M*'
    }
}
