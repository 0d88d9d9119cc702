using System.Collections.Immutable;
using System.Text.RegularExpressions;
using HdIov.Engine.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HdIov.Engine.Spec.Yaml;

/// <summary>
/// Turns YAML text into a <see cref="SpecNode"/> tree using YamlDotNet's parser events. Iterative, so deep nesting
/// cannot exhaust the stack. Syntax errors become HDIOV1001 with their position; a second document becomes HDIOV1015;
/// anchors, aliases and explicit tags become HDIOV1014 (a spec is plain data: aliases would let one line expand into
/// many devices, and tags would change a value's type behind the reader's back).
/// </summary>
internal static partial class SpecTreeReader
{
    /// <summary>Far deeper than any spec (which nests six levels); deeper text is refused before it costs time.</summary>
    public const int MaxDepth = 32;

    /// <summary>The root of the first document, or null when the text has no document or cannot be parsed.</summary>
    public static SpecNode? Read(string text, string fileName, DiagnosticBag diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<Frame>();
        SpecNode? root = null;
        var documents = 0;
        try
        {
            while (parser.MoveNext())
            {
                var parsingEvent = parser.Current!;
                var location = At(fileName, parsingEvent.Start);
                switch (parsingEvent)
                {
                    case DocumentStart:
                        documents++;
                        if (documents > 1)
                        {
                            diagnostics.Error(
                                DiagnosticCodes.MultipleDocuments,
                                location,
                                string.Empty,
                                "the file holds more than one YAML document",
                                "keep one HostState document per file; remove the '---' and everything after it, or move it to its own file");
                            return root;
                        }

                        break;
                    case Scalar scalar:
                        CheckNodeProperties(scalar, location, diagnostics);
                        Add(stack, ref root, new SpecScalar(location, scalar.Value, scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty));
                        break;
                    case AnchorAlias:
                        diagnostics.Error(
                            DiagnosticCodes.UnsupportedYamlFeature,
                            location,
                            string.Empty,
                            "YAML aliases (*name) are not supported in a spec",
                            "write the value out in full where the alias stands");
                        Add(stack, ref root, new SpecRejected(location));
                        break;
                    case SequenceStart or MappingStart when stack.Count >= MaxDepth:
                        diagnostics.Error(
                            DiagnosticCodes.YamlSyntax,
                            location,
                            string.Empty,
                            $"the document nests deeper than {MaxDepth} levels",
                            "a spec nests a few levels only; check for runaway brackets");
                        return null;
                    case SequenceStart sequenceStart:
                        CheckNodeProperties(sequenceStart, location, diagnostics);
                        stack.Push(new Frame(location, isMapping: false));
                        break;
                    case MappingStart mappingStart:
                        CheckNodeProperties(mappingStart, location, diagnostics);
                        stack.Push(new Frame(location, isMapping: true));
                        break;
                    case SequenceEnd:
                    case MappingEnd:
                        Add(stack, ref root, stack.Pop().Complete());
                        break;
                    default:
                        break;
                }
            }
        }
        catch (YamlException exception)
        {
            diagnostics.Error(
                DiagnosticCodes.YamlSyntax,
                ErrorLocation(text, fileName, exception, parser.Current),
                string.Empty,
                $"the YAML is not well-formed: {exception.Message.TrimEnd('.')}",
                "fix the YAML syntax at this position (indentation with spaces, matching brackets and quotes, 'key: value' pairs)");
            return null;
        }
#pragma warning disable CA1031 // The loader must never throw for any text; a parser failure of any kind is a syntax diagnostic.
        catch (Exception)
#pragma warning restore CA1031
        {
            // YamlDotNet reports some malformed input (e.g. block content inside an unclosed flow mapping) with a
            // plain exception and no position; the last event read is the nearest known place.
            diagnostics.Error(
                DiagnosticCodes.YamlSyntax,
                InsideText(text, At(fileName, parser.Current?.End ?? Mark.Empty)),
                string.Empty,
                "the YAML is not well-formed after this point",
                "check the brackets, quotes and indentation from here on; flow collections ({ } and [ ]) must be closed");
            return null;
        }

        return root;
    }

    /// <summary>
    /// YamlDotNet sometimes marks an error at the start of the enclosing collection (a tab used for indentation
    /// is reported at the mapping's first key). The later of its mark and the last event read is nearer the cause,
    /// and a tab in a line's indentation is pointed at directly.
    /// </summary>
    private static SourceLocation ErrorLocation(string text, string fileName, YamlException exception, ParsingEvent? last)
    {
        var mark = last is not null && last.Start.Index > exception.Start.Index ? last.Start : exception.Start;
        if (exception.Message.Contains("tab", StringComparison.Ordinal) && IndentationTab(text, exception.Start.Line) is { } tab)
        {
            return new SourceLocation(fileName, tab.Line, tab.Column);
        }

        return InsideText(text, At(fileName, mark));
    }

    /// <summary>The parser marks an error at end of input one line past a last line without a line break; keep it on the text.</summary>
    private static SourceLocation InsideText(string text, SourceLocation location)
    {
        var lines = LineBreaks().Split(text);
        var line = Math.Min(location.Line, lines.Length);
        var column = line < location.Line ? lines[line - 1].Length + 1 : Math.Min(location.Column, lines[line - 1].Length + 1);
        return location with { Line = line, Column = column };
    }

    private static (int Line, int Column)? IndentationTab(string text, long fromLine)
    {
        var lines = LineBreaks().Split(text);
        for (var i = (int)Math.Max(0, fromLine - 1); i < lines.Length; i++)
        {
            var indentation = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indentation);
            if (tab >= 0)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    /// <summary>The line breaks YamlDotNet counts lines by, so a position found here matches the parser's.</summary>
    [GeneratedRegex("\r\n|[\r\n\u0085\u2028\u2029]", RegexOptions.CultureInvariant)]
    private static partial Regex LineBreaks();

    private static void CheckNodeProperties(NodeEvent node, SourceLocation location, DiagnosticBag diagnostics)
    {
        if (!node.Anchor.IsEmpty)
        {
            diagnostics.Error(
                DiagnosticCodes.UnsupportedYamlFeature,
                location,
                string.Empty,
                $"YAML anchors (&{SpecText.Show(node.Anchor.Value)}) are not supported in a spec",
                "remove the anchor and write each value out in full");
        }

        if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific)
        {
            diagnostics.Error(
                DiagnosticCodes.UnsupportedYamlFeature,
                location,
                string.Empty,
                $"YAML tags ({SpecText.Show(node.Tag.Value)}) are not supported in a spec",
                "remove the tag; quote a value to make it text");
        }
    }

    private static void Add(Stack<Frame> stack, ref SpecNode? root, SpecNode node)
    {
        if (stack.Count == 0)
        {
            root ??= node;
            return;
        }

        stack.Peek().Add(node);
    }

    private static SourceLocation At(string fileName, Mark mark) =>
        new(fileName, (int)Math.Clamp(mark.Line, 1, int.MaxValue), (int)Math.Clamp(mark.Column, 1, int.MaxValue));

    private sealed class Frame(SourceLocation location, bool isMapping)
    {
        private readonly List<SpecNode> _items = [];

        public void Add(SpecNode node) => _items.Add(node);

        public SpecNode Complete()
        {
            if (!isMapping)
            {
                return new SpecSequence(location, [.. _items]);
            }

            var entries = ImmutableArray.CreateBuilder<SpecMappingEntry>(_items.Count / 2);
            for (var i = 0; i + 1 < _items.Count; i += 2)
            {
                entries.Add(new SpecMappingEntry(_items[i], _items[i + 1]));
            }

            return new SpecMapping(location, entries.ToImmutable());
        }
    }
}
