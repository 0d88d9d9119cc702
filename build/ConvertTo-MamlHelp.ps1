<#
.SYNOPSIS
    Writes the module's help: docs/cmdlets/<Verb-Noun>.md -> en-US/HdIov.PowerShell.dll-Help.xml (MAML) and
    docs/about_HdIov.md -> en-US/about_HdIov.help.txt.

.DESCRIPTION
    Runs in a fresh pwsh with the laid-out module imported, because syntax, parameter types, Mandatory, Position,
    pipeline input, aliases and wildcards come from the compiled cmdlets, never from the markdown. The markdown
    gives the words: synopsis, description, examples, one description per parameter, inputs, outputs and links.

    Fails, listing every problem at once, when a compiled cmdlet has no help file, a parameter has no description,
    the markdown describes a parameter the cmdlet does not have, or a required section is missing.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputDirectory
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module (Join-Path $PSScriptRoot 'HelpMarkdown.psm1') -Force
$module = Import-Module $ManifestPath -PassThru

$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
# -WhatIf and -Confirm mean the same on every cmdlet; a help file may still describe them in its own words.
$standardDescriptions = @{
    WhatIf  = @('Shows what the command would do without doing it. Nothing on the host changes.')
    Confirm = @('Asks for confirmation before each change.')
}

function Get-CompiledCmdletName {
    @($module.ImplementingAssembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" } |
            Sort-Object)
}

function Get-TypeDisplayName([type] $Type) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return Get-TypeDisplayName $underlying }
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    $Type.Name
}

function Get-TypeFullName([type] $Type) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return Get-TypeFullName $underlying }
    if ($Type.IsArray) { return (Get-TypeFullName $Type.GetElementType()) + '[]' }
    $Type.FullName
}

function Get-PipelineInputText($Parameter) {
    $kinds = @()
    if ($Parameter.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($Parameter.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($kinds.Count -eq 0) { 'False' } else { "True ($($kinds -join ', '))" }
}

# The help's checks: every compiled cmdlet has a file; every parameter a description; no described parameter is unknown.
function Test-CmdletHelp($Command, $Help) {
    $problems = [System.Collections.Generic.List[string]]::new()
    foreach ($problem in $Help.Problems) { $problems.Add($problem) }
    $own = @($Command.Parameters.Keys | Where-Object { $_ -notin $commonParameters })
    foreach ($parameter in $own) {
        if (-not $Help.Parameters.Contains($parameter) -or @($Help.Parameters[$parameter]).Count -eq 0) {
            $problems.Add("$($Help.Path): parameter -$parameter has no description; add '### -$parameter' with a paragraph under '## PARAMETERS'.")
        }
    }
    foreach ($described in $Help.Parameters.Keys) {
        if (-not $Command.Parameters.ContainsKey($described)) {
            $problems.Add("$($Help.Path): '### -$described' describes a parameter $($Command.Name) does not have; remove it or fix the name.")
        }
        elseif ($described -in [System.Management.Automation.Cmdlet]::CommonParameters) {
            $problems.Add("$($Help.Path): '### -$described' is a common parameter; common parameters are not listed.")
        }
    }
    $problems
}

function Write-Para([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs) {
    $Writer.WriteStartElement('maml', 'description', $maml)
    foreach ($paragraph in $Paragraphs) {
        $Writer.WriteElementString('maml', 'para', $maml, $paragraph)
    }
    $Writer.WriteEndElement()
}

function Write-ParameterElement([System.Xml.XmlWriter] $Writer, $Parameter, [bool] $Mandatory, [int] $Position, [string] $PipelineInput, [string[]] $Description) {
    $metadata = $command.Parameters[$Parameter.Name]
    $isSwitch = $metadata.SwitchParameter
    $globbing = [bool]@($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count
    $Writer.WriteStartElement('command', 'parameter', $commandNs)
    $Writer.WriteAttributeString('required', $Mandatory.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $metadata.ParameterType.IsArray.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $PipelineInput)
    $Writer.WriteAttributeString('position', $(if ($Position -ge 0) { "$Position" } else { 'named' }))
    $Writer.WriteAttributeString('aliases', $(if ($metadata.Aliases.Count) { $metadata.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    Write-Para $Writer $Description
    if (-not $isSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $commandNs)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', $metadata.ParameterType.IsArray.ToString().ToLowerInvariant())
        $Writer.WriteString((Get-TypeDisplayName $metadata.ParameterType))
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $dev)
    $Writer.WriteElementString('maml', 'name', $maml, (Get-TypeFullName $metadata.ParameterType))
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $dev, $(if ($isSwitch) { 'False' } else { 'None' }))
    $Writer.WriteEndElement()
}

function Write-TypeList([System.Xml.XmlWriter] $Writer, [string] $ListName, [string] $ItemName, $Items) {
    $Writer.WriteStartElement('command', $ListName, $commandNs)
    foreach ($item in $Items) {
        $Writer.WriteStartElement('command', $ItemName, $commandNs)
        $Writer.WriteStartElement('dev', 'type', $dev)
        $Writer.WriteElementString('maml', 'name', $maml, $item.Type)
        $Writer.WriteEndElement()
        Write-Para $Writer $item.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$commandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$cmdletDocs = Join-Path $DocsPath 'cmdlets'

$problems = [System.Collections.Generic.List[string]]::new()
$helps = [System.Collections.Generic.List[object]]::new()
$compiled = Get-CompiledCmdletName
foreach ($name in $compiled) {
    $path = Join-Path $cmdletDocs "$name.md"
    if (-not (Test-Path -LiteralPath $path)) {
        $problems.Add("$name has no help file; write $path (format: docs/cmdlets/README.md).")
        continue
    }
    $help = Read-CmdletHelp $path
    $command = Get-Command $name -Module $module.Name
    foreach ($problem in (Test-CmdletHelp $command $help)) { $problems.Add($problem) }
    $helps.Add([pscustomobject]@{ Command = $command; Help = $help })
}
foreach ($orphan in @(Get-ChildItem -Path $cmdletDocs -Filter '*-*.md' -ErrorAction Ignore | Where-Object { $_.BaseName -notin $compiled })) {
    Write-Warning "$($orphan.FullName) describes $($orphan.BaseName), which the module does not define (yet); it is left out of the help."
}
if ($problems.Count -gt 0) {
    # One unwrapped line per problem, so each names its file and fix in full.
    [Console]::Error.WriteLine("The cmdlet help is incomplete ($($problems.Count) problem(s)):")
    foreach ($problem in $problems) {
        [Console]::Error.WriteLine("  $problem")
    }
    exit 1
}

New-Item -ItemType Directory -Force $OutputDirectory | Out-Null
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$helpPath = Join-Path $OutputDirectory "$([System.IO.Path]::GetFileName($module.ImplementingAssembly.Location))-Help.xml"
$writer = [System.Xml.XmlWriter]::Create($helpPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($entry in $helps) {
        $command = $entry.Command
        $help = $entry.Help
        $writer.WriteStartElement('command', 'command', $commandNs)
        $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
        $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

        $writer.WriteStartElement('command', 'details', $commandNs)
        $writer.WriteElementString('command', 'name', $commandNs, $command.Name)
        $writer.WriteElementString('command', 'verb', $commandNs, $command.Verb)
        $writer.WriteElementString('command', 'noun', $commandNs, $command.Noun)
        Write-Para $writer @($help.Synopsis)
        $writer.WriteEndElement()
        Write-Para $writer $help.Description

        $descriptionOf = {
            param($name)
            if ($help.Parameters.Contains($name)) { $help.Parameters[$name] } else { $standardDescriptions[$name] }
        }

        $writer.WriteStartElement('command', 'syntax', $commandNs)
        foreach ($set in $command.ParameterSets) {
            $writer.WriteStartElement('command', 'syntaxItem', $commandNs)
            $writer.WriteElementString('maml', 'name', $maml, $command.Name)
            foreach ($parameter in @($set.Parameters | Where-Object { $_.Name -notin [System.Management.Automation.Cmdlet]::CommonParameters })) {
                Write-ParameterElement $writer $parameter $parameter.IsMandatory $parameter.Position (Get-PipelineInputText $parameter) (& $descriptionOf $parameter.Name)
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'parameters', $commandNs)
        $all = $command.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object { $_.Name -notin [System.Management.Automation.Cmdlet]::CommonParameters }
        foreach ($group in @($all | Group-Object Name | Sort-Object Name)) {
            $parameter = $group.Group[0]
            $mandatory = @($group.Group | Where-Object IsMandatory).Count -gt 0
            Write-ParameterElement $writer $parameter $mandatory $parameter.Position (Get-PipelineInputText $parameter) (& $descriptionOf $parameter.Name)
        }
        $writer.WriteEndElement()

        Write-TypeList $writer 'inputTypes' 'inputType' $help.Inputs
        Write-TypeList $writer 'returnValues' 'returnValue' $help.Outputs

        $writer.WriteStartElement('command', 'examples', $commandNs)
        foreach ($example in $help.Examples) {
            $writer.WriteStartElement('command', 'example', $commandNs)
            $writer.WriteElementString('maml', 'title', $maml, "---------- $($example.Title) ----------")
            $writer.WriteElementString('dev', 'code', $dev, $example.Code)
            $writer.WriteStartElement('dev', 'remarks', $dev)
            foreach ($paragraph in $example.Remarks) {
                $writer.WriteElementString('maml', 'para', $maml, $paragraph)
            }
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'relatedLinks', $commandNs)
        foreach ($link in $help.Links) {
            $writer.WriteStartElement('maml', 'navigationLink', $maml)
            $writer.WriteElementString('maml', 'linkText', $maml, $link.Text)
            $writer.WriteElementString('maml', 'uri', $maml, $link.Uri)
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

# about_HdIov: markdown headings become the topic's capitalised headings, paragraphs are wrapped and indented,
# code blocks keep their lines.
function ConvertTo-AboutText([string] $Path) {
    $document = Read-MarkdownSection $Path
    if (-not $document.Sections.Contains('SHORT DESCRIPTION') -or -not $document.Sections.Contains('LONG DESCRIPTION')) {
        throw "${Path}: an about topic needs '## SHORT DESCRIPTION' and '## LONG DESCRIPTION'."
    }
    $out = [System.Text.StringBuilder]::new()
    [void] $out.AppendLine('TOPIC').AppendLine("    $($document.Title)").AppendLine()
    $wrap = {
        param([string] $text, [string] $indent)
        $line = $indent
        foreach ($word in ($text -split '\s+')) {
            if ($line.Length + $word.Length + 1 -gt 80 -and $line.Trim()) {
                [void] $out.AppendLine($line.TrimEnd())
                $line = $indent
            }
            $line += "$word "
        }
        [void] $out.AppendLine($line.TrimEnd())
    }
    $emit = {
        param([string[]] $lines, [string] $indent)
        $prose = [System.Collections.Generic.List[string]]::new()
        $inFence = $false
        foreach ($line in $lines) {
            if ($line -match '^```') {
                if (-not $inFence) {
                    foreach ($paragraph in (Split-MarkdownParagraph $prose)) { & $wrap $paragraph $indent; [void] $out.AppendLine() }
                    $prose.Clear()
                }
                else {
                    [void] $out.AppendLine()
                }
                $inFence = -not $inFence
                continue
            }
            if ($inFence) { [void] $out.AppendLine("$indent    $line".TrimEnd()) } else { $prose.Add($line) }
        }
        foreach ($paragraph in (Split-MarkdownParagraph $prose)) { & $wrap $paragraph $indent; [void] $out.AppendLine() }
    }
    foreach ($key in $document.Sections.Keys) {
        $section = $document.Sections[$key]
        [void] $out.AppendLine($key)
        & $emit $section.Lines '    '
        foreach ($sub in $section.Subsections) {
            [void] $out.AppendLine("  $($sub.Title.ToUpperInvariant())")
            & $emit $sub.Lines '    '
        }
    }
    $out.ToString()
}

$aboutSource = Join-Path $DocsPath 'about_HdIov.md'
if (-not (Test-Path -LiteralPath $aboutSource)) {
    throw "The module's about topic is missing; write $aboutSource."
}
Set-Content -Path (Join-Path $OutputDirectory 'about_HdIov.help.txt') -Value (ConvertTo-AboutText $aboutSource) -NoNewline
Write-Host "Help for $($helps.Count) cmdlet(s) and about_HdIov written to $OutputDirectory"
