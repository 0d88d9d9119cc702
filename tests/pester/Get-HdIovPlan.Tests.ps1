BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HdIov.TestHelpers.psm1') -Force
    Import-HdIovModule
    $spec = Get-TestSpecPath 'qat-two-pfs.yaml'
    $invalid = Get-TestSpecPath 'unknown-key.yaml'
}

AfterAll {
    Remove-TestHostPaths
}

Describe 'Get-HdIovPlan' -Tag Planning {
    Context 'on a bare spr-qat-e810 host' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'bare')).Path
            $plan = Get-HdIovPlan -Path $spec -HostRoot $root
        }

        It 'returns a plan with one create step per declared VDEV' {
            $plan | Should -BeOfType (Get-HdIovEngineType 'HdIov.Engine.Planning.Plan')
            $plan.IsEmpty | Should -BeFalse
            # 2 PFs x (2 asym + 1 dc)
            @($plan.Steps | Where-Object { $_.Operation -is (Get-HdIovEngineType 'HdIov.Engine.Planning.CreateMdev') }).Count | Should -Be 6
        }

        It 'renders like a Terraform plan, steps of one kind on one parent sharing a line with their range and count' {
            $text = $plan | Out-String -Width 250
            $text.Trim() | Should -Be ((Get-HdIovEngineType 'HdIov.Engine.Planning.PlanRenderer')::Render($plan).Trim()) -Because 'the format view is the engine rendering'
            $creates = @($plan.Steps | Where-Object { $_.Operation -is (Get-HdIovEngineType 'HdIov.Engine.Planning.CreateMdev') })
            $asym = $creates | Where-Object { $_.Operation.Type -like '*asym' } | Select-Object -First 1
            $text | Should -Match ([regex]::Escape("+ $($asym.Address -replace '/0$', '/0..1')") + '\s+' + [regex]::Escape("create 2 $($asym.Operation.Type) on $($asym.Operation.Parent)"))
            $text | Should -Not -Match ([regex]::Escape("$($asym.Operation.Uuid)")) -Because 'a shared line names no single VDEV'
        }

        It 'renders one line per step with -Detailed, and the same plan' {
            $detailed = Get-HdIovPlan -Path $spec -HostRoot $root -Detailed
            $text = $detailed | Out-String -Width 250
            foreach ($step in $plan.Steps) {
                $text | Should -BeLike "*$($step.Symbol)*$($step.Address)*$($step.Description)*"
            }
            $text.Trim() | Should -Be ((Get-HdIovEngineType 'HdIov.Engine.Planning.PlanRenderer')::Render($plan, $true).Trim())
            $detailed.Steps.Count | Should -Be $plan.Steps.Count
            ($text -split "`n").Count | Should -BeGreaterThan (($plan | Out-String -Width 250) -split "`n").Count
        }

        It 'keeps every step in -AsJson' {
            $json = Get-HdIovPlan -Path $spec -HostRoot $root -AsJson -Detailed | ConvertFrom-Json
            @($json.steps).Count | Should -Be $plan.Steps.Count
        }

        It 'plans the same steps twice' {
            $again = Get-HdIovPlan -Path $spec -HostRoot $root
            ($again.Steps | ForEach-Object { "$($_.Address) $($_.Description)" }) |
                Should -Be ($plan.Steps | ForEach-Object { "$($_.Address) $($_.Description)" })
        }

        It 'changes nothing on the host' {
            $before = Get-TreeSnapshot $root
            Get-HdIovPlan -Path $spec -HostRoot $root | Out-Null
            Get-TreeSnapshot $root | Should -Be $before
        }

        It 'takes spec files from the pipeline' {
            $fromPipeline = Get-Item $spec | Get-HdIovPlan -HostRoot $root
            $fromPipeline.Steps.Count | Should -Be $plan.Steps.Count
        }
    }

    Context 'with an invalid spec' {
        BeforeAll {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'invalid')).Path
            $lines = Get-Content $invalid
            $line = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^\s*service:' }) + 1
            $column = $lines[$line - 1].IndexOf('service') + 1
        }

        It 'writes an error whose id is the diagnostic code and whose message points at file:line:column' {
            $errors = $null
            $terminating = $null
            try { Get-HdIovPlan -Path $invalid -HostRoot $root -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $terminating = $_ }
            $terminating | Should -Not -BeNullOrEmpty
            $record = @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'HDIOV1004,*' })[0]

            $record | Should -Not -BeNullOrEmpty
            $record.CategoryInfo.Category | Should -Be 'InvalidData'
            $record.Exception.Message | Should -BeLike "*$($invalid):$($line):$($column)*"
            $record.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }

        It 'stops with the first diagnostic under -ErrorAction Stop' {
            $failure = { Get-HdIovPlan -Path $invalid -HostRoot $root -ErrorAction Stop } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'HDIOV1004,*'
        }

        It 'ends with a terminating error after the diagnostics and returns no plan' {
            $output = $null
            $failure = { $script:output = Get-HdIovPlan -Path $invalid -HostRoot $root -ErrorAction SilentlyContinue } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'SpecInvalid,*'
            $output | Should -BeNullOrEmpty
        }
    }

    Context 'with a missing spec file' {
        It 'reports the path as not found' {
            $root = (New-HdIovSimulatedHost -Profile spr-qat-e810 -Path (New-TestHostPath 'missing')).Path
            $failure = { Get-HdIovPlan -Path (New-TestHostPath 'nope.yaml') -HostRoot $root } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
            $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
    }

    Context 'on spr-pasid-off' {
        It 'refuses SIOV VDEVs because the IOMMU has no PASID, and changes nothing' {
            $root = (New-HdIovSimulatedHost -Profile spr-pasid-off -Path (New-TestHostPath 'pasid-off')).Path
            $before = Get-TreeSnapshot $root
            $errors = $null
            $terminating = $null

            try { Get-HdIovPlan -Path $spec -HostRoot $root -ErrorVariable errors -ErrorAction SilentlyContinue } catch { $terminating = $_ }

            $terminating | Should -Not -BeNullOrEmpty

            @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'HDIOV2004,*' }) | Should -Not -BeNullOrEmpty
            Get-TreeSnapshot $root | Should -Be $before
        }
    }
}
