# Reads the help sources docs/cmdlets/<Verb-Noun>.md (format: docs/cmdlets/README.md). Used by the converter
# (build/ConvertTo-MamlHelp.ps1) and by the help tests.

Set-StrictMode -Version Latest

# Splits markdown text into paragraphs: blank lines separate them, every list item is one, fenced code stays whole.
function Split-MarkdownParagraph {
    param([string[]] $Line)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($current.Count -gt 0) {
            $paragraphs.Add(($current -join ' '))
            $current.Clear()
        }
    }
    foreach ($text in $Line) {
        $trimmed = $text.Trim()
        if ($trimmed -eq '') {
            & $flush
        }
        elseif ($trimmed -match '^([-*]|\d+\.)\s+') {
            & $flush
            $current.Add($trimmed)
        }
        else {
            $current.Add($trimmed)
        }
    }
    & $flush
    # Links read as their text; the address follows in brackets when it is not the text itself.
    @($paragraphs | ForEach-Object {
            [regex]::Replace($_, '\[([^\]]+)\]\(([^)]+)\)', { param($m) if ($m.Groups[1].Value -eq $m.Groups[2].Value) { $m.Groups[1].Value } else { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } })
        })
}

# The sections of a document: '## NAME' -> its lines, '### Sub' blocks kept in order as @{ Title; Lines }.
function Read-MarkdownSection {
    param([Parameter(Mandatory)] [string] $Path)
    $lines = @(Get-Content -LiteralPath $Path)
    $document = [ordered]@{ Title = $null; Sections = [ordered]@{} }
    $section = $null
    $sub = $null
    $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^```') {
            $inFence = -not $inFence
        }
        if (-not $inFence -and $line -match '^# (.+)$' -and $null -eq $document.Title) {
            $document.Title = $Matches[1].Trim()
            continue
        }
        if (-not $inFence -and $line -match '^## (.+)$') {
            $section = [ordered]@{ Lines = [System.Collections.Generic.List[string]]::new(); Subsections = [System.Collections.Generic.List[object]]::new() }
            $document.Sections[$Matches[1].Trim().ToUpperInvariant()] = $section
            $sub = $null
            continue
        }
        if (-not $inFence -and $line -match '^### (.+)$' -and $null -ne $section) {
            $sub = [ordered]@{ Title = $Matches[1].Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            $section.Subsections.Add($sub)
            continue
        }
        if ($null -ne $sub) {
            $sub.Lines.Add($line)
        }
        elseif ($null -ne $section) {
            $section.Lines.Add($line)
        }
    }
    $document
}

# The first fenced code block of some lines, and the paragraphs around it (the example's remarks).
function Split-ExampleBody {
    param([string[]] $Line)
    $code = [System.Collections.Generic.List[string]]::new()
    $rest = [System.Collections.Generic.List[string]]::new()
    $state = 'before'
    foreach ($text in $Line) {
        if ($text -match '^```' -and $state -eq 'before') { $state = 'code'; continue }
        if ($text -match '^```' -and $state -eq 'code') { $state = 'after'; continue }
        if ($state -eq 'code') { $code.Add($text) } else { $rest.Add($text) }
    }
    [pscustomobject]@{
        Code    = if ($state -eq 'after') { ($code -join "`n").Trim() } else { $null }
        Remarks = @(Split-MarkdownParagraph $rest)
    }
}

# One cmdlet's help as data. Problems (a missing section, an example without code) are returned, not thrown,
# so the build can list every problem of every file at once.
function Read-CmdletHelp {
    param([Parameter(Mandatory)] [string] $Path)
    $name = [System.IO.Path]::GetFileNameWithoutExtension($Path)
    $document = Read-MarkdownSection $Path
    $problems = [System.Collections.Generic.List[string]]::new()
    $section = { param($key) if ($document.Sections.Contains($key)) { $document.Sections[$key] } else { $null } }

    if ($document.Title -ne $name) {
        $problems.Add("${Path}: the first line must be '# $name'.")
    }
    $synopsis = & $section 'SYNOPSIS'
    $synopsisText = if ($synopsis) { (Split-MarkdownParagraph $synopsis.Lines) -join ' ' } else { '' }
    if (-not $synopsisText) {
        $problems.Add("${Path}: '## SYNOPSIS' is missing or empty; write one sentence saying what $name does.")
    }
    $description = & $section 'DESCRIPTION'
    $descriptionParagraphs = @(if ($description) { Split-MarkdownParagraph $description.Lines })
    if ($descriptionParagraphs.Count -eq 0) {
        $problems.Add("${Path}: '## DESCRIPTION' is missing or empty.")
    }

    $examples = [System.Collections.Generic.List[object]]::new()
    $exampleSection = & $section 'EXAMPLES'
    foreach ($sub in @(if ($exampleSection) { $exampleSection.Subsections })) {
        $body = Split-ExampleBody $sub.Lines
        if (-not $body.Code) {
            $problems.Add("${Path}: example '$($sub.Title)' has no fenced code block.")
            continue
        }
        $examples.Add([pscustomobject]@{ Title = $sub.Title; Code = $body.Code; Remarks = $body.Remarks })
    }
    if ($examples.Count -eq 0) {
        $problems.Add("${Path}: '## EXAMPLES' needs at least one '### Example 1: Title' with a powershell code block.")
    }

    $parameters = [ordered]@{}
    $parameterSection = & $section 'PARAMETERS'
    foreach ($sub in @(if ($parameterSection) { $parameterSection.Subsections })) {
        if ($sub.Title -notmatch '^-(\w+)$') {
            $problems.Add("${Path}: '### $($sub.Title)' under PARAMETERS must be '### -ParameterName'.")
            continue
        }
        $parameters[$Matches[1]] = @(Split-MarkdownParagraph $sub.Lines)
    }

    $typeBlocks = {
        param($key)
        $block = & $section $key
        @(foreach ($sub in @(if ($block) { $block.Subsections })) {
                [pscustomobject]@{ Type = $sub.Title.Trim('`'); Description = @(Split-MarkdownParagraph $sub.Lines) }
            })
    }
    $inputs = @(& $typeBlocks 'INPUTS')
    $outputs = @(& $typeBlocks 'OUTPUTS')
    if ($inputs.Count -eq 0) { $problems.Add("${Path}: '## INPUTS' needs a '### TypeName' (or '### None').") }
    if ($outputs.Count -eq 0) { $problems.Add("${Path}: '## OUTPUTS' needs a '### TypeName' (or '### None').") }

    $links = @()
    $linkSection = & $section 'RELATED LINKS'
    if ($linkSection) {
        $links = @($linkSection.Lines | Where-Object { $_ -match '^\s*[-*]\s+(.+)$' } | ForEach-Object {
                $item = ($_ -replace '^\s*[-*]\s+', '').Trim()
                if ($item -match '^\[([^\]]+)\]\(([^)]+)\)$') {
                    [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }
                }
                else {
                    [pscustomobject]@{ Text = $item; Uri = '' }
                }
            })
    }

    [pscustomobject]@{
        Name        = $name
        Path        = $Path
        Synopsis    = $synopsisText
        Description = $descriptionParagraphs
        Examples    = $examples.ToArray()
        Parameters  = $parameters
        Inputs      = $inputs
        Outputs     = $outputs
        Links       = $links
        Problems    = $problems.ToArray()
    }
}

Export-ModuleMember -Function Split-MarkdownParagraph, Read-MarkdownSection, Split-ExampleBody, Read-CmdletHelp
