using System.Globalization;

namespace HdIov.Engine.Spec;

/// <summary>Key paths as diagnostics print them: <c>spec.devices[1].vdevs.asym</c>.</summary>
internal static class SpecPath
{
    public static string Child(string parent, string key)
    {
        var shown = SpecText.Show(key);
        return parent.Length == 0 ? shown : $"{parent}.{shown}";
    }

    public static string Item(string parent, int index) => string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]");

    /// <summary>The last key of a path (<c>vendor</c> for <c>spec.devices[0].select.vendor</c>), for short messages.</summary>
    public static string Last(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? path : path[(dot + 1)..];
    }

    /// <summary>How a message names a place: the path, or "the document" for the root.</summary>
    public static string Describe(string path) => path.Length == 0 ? "the document" : $"'{path}'";
}
