namespace HdIov.Engine.Platform.Redfish;

/// <summary>How a Redfish attribute value is typed in JSON.</summary>
public enum RedfishValueKind
{
    String,
    Number,
    Boolean,
}
