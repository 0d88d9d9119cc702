using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HdIov.Engine.Spec.Yaml;

/// <summary>
/// A thin layer over YamlDotNet's emitter for writing spec documents: it chooses scalar styles so that every value
/// reads back as the type it was written as (text that would resolve to a number, boolean or null is quoted).
/// </summary>
internal sealed class YamlEventWriter
{
    private readonly Emitter _emitter;

    public YamlEventWriter(TextWriter output)
    {
        _emitter = new Emitter(output, new EmitterSettings().WithBestIndent(2).WithIndentedSequences().WithNewLine("\n"));
        _emitter.Emit(new StreamStart());
        _emitter.Emit(new DocumentStart(null, null, isImplicit: true));
    }

    public void End()
    {
        _emitter.Emit(new DocumentEnd(isImplicit: true));
        _emitter.Emit(new StreamEnd());
    }

    public void Mapping(bool flow, Action body)
    {
        _emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, flow ? MappingStyle.Flow : MappingStyle.Block));
        body();
        _emitter.Emit(new MappingEnd());
    }

    public void Sequence(bool flow, Action body)
    {
        _emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, flow ? SequenceStyle.Flow : SequenceStyle.Block));
        body();
        _emitter.Emit(new SequenceEnd());
    }

    /// <summary>Text: plain when it is a simple name that reads back as text, double-quoted (with escapes) otherwise.</summary>
    public void Text(string value) =>
        Scalar(value, IsSimpleText(value) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted);

    public void Number(long value) => Scalar(value.ToString(CultureInfo.InvariantCulture), ScalarStyle.Plain);

    public void Boolean(bool value) => Scalar(value ? "true" : "false", ScalarStyle.Plain);

    public void Entry(string key, string value)
    {
        Text(key);
        Text(value);
    }

    public void Entry(string key, long value)
    {
        Text(key);
        Number(value);
    }

    public void Entry(string key, bool value)
    {
        Text(key);
        Boolean(value);
    }

    public void Entry(string key, bool flow, Action mappingBody)
    {
        Text(key);
        Mapping(flow, mappingBody);
    }

    private static bool IsSimpleText(string value) =>
        value.Length is > 0 and <= 128
        && char.IsAsciiLetterOrDigit(value[0])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')
        && ScalarResolver.Resolve(value) == ScalarKind.String;

    private void Scalar(string value, ScalarStyle style) =>
        _emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, isPlainImplicit: true, isQuotedImplicit: true));
}
