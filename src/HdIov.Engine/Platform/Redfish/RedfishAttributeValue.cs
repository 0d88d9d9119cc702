namespace HdIov.Engine.Platform.Redfish;

/// <summary>An attribute value as text plus its JSON kind.</summary>
public sealed record RedfishAttributeValue(string Text, RedfishValueKind Kind)
{
    public override string ToString() => Text;
}
