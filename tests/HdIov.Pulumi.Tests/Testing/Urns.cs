namespace HdIov.Pulumi.Tests.Testing;

internal static class Urns
{
    public const string Provider = "urn:pulumi:dev::proj::pulumi:providers:hdiov::default_0_1_0";

    public static string Of(string type, string name) => $"urn:pulumi:dev::proj::{type}::{name}";
}
