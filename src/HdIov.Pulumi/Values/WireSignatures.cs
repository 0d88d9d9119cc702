namespace HdIov.Pulumi.Values;

/// <summary>The engine's markers inside property bags: the unknown sentinels and the special-object signature key and values.</summary>
public static class WireSignatures
{
    /// <summary>The key whose value says what kind of special object a struct is.</summary>
    public const string SignatureKey = "4dabf18193072939515e22adb298388d";

    public const string Secret = "1b47061264138c4ac30d75fd1eb44270";

    public const string ResourceReference = "5cf8f73096256a8f31e491e813e4eb8e";

    public const string OutputValue = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

    /// <summary>The sentinel for an unknown string or untyped value; the provider writes this one for every unknown.</summary>
    public const string UnknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    /// <summary>Every sentinel the engine may send, one per expected type (string, bool, number, array, object, asset, archive).</summary>
    public static readonly IReadOnlySet<string> UnknownSentinels = new HashSet<string>(StringComparer.Ordinal)
    {
        UnknownString,
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
    };
}
