namespace HdIov.Engine.Fleet;

/// <summary>
/// Codes of fleet documents and rollouts (5xxx). Problems of the document's shape use the spec codes (1xxx: unknown
/// key, missing key, invalid value); these are the fleet's own rules.
/// </summary>
public static class FleetDiagnosticCodes
{
    public const string HostInNoGroup = "HDIOV5001";
    public const string HostInTwoGroups = "HDIOV5002";
    public const string InventoryInvalid = "HDIOV5003";
    public const string UnknownHostValue = "HDIOV5004";
    public const string UnsafeHostValue = "HDIOV5005";
    public const string DuplicateHost = "HDIOV5006";
    public const string GroupSpecInvalid = "HDIOV5007";
    public const string TimeoutUnlimited = "HDIOV5008";
    public const string HostUnreachable = "HDIOV5009";
    public const string BudgetExceeded = "HDIOV5010";
    public const string HostNotConverged = "HDIOV5011";
    public const string RolloutJournalInvalid = "HDIOV5012";
    public const string HostLockedByRollout = "HDIOV5013";
    public const string HostTimedOut = "HDIOV5014";
    public const string TransportUnavailable = "HDIOV5015";
}
