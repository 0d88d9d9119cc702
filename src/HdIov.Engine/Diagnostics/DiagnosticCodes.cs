namespace HdIov.Engine.Diagnostics;

/// <summary>
/// Stable diagnostic codes. 1xxx: the spec document. 2xxx: planning (capacity, compatibility).
/// 3xxx: applying (host errors, locks, stale plans). 4xxx: readiness findings from discovery.
/// A code never changes meaning once released; retire it instead.
/// </summary>
public static class DiagnosticCodes
{
    public const string YamlSyntax = "HDIOV1001";
    public const string UnsupportedApiVersion = "HDIOV1002";
    public const string UnsupportedKind = "HDIOV1003";
    public const string UnknownKey = "HDIOV1004";
    public const string MissingKey = "HDIOV1005";
    public const string InvalidValue = "HDIOV1006";
    public const string DuplicateName = "HDIOV1007";
    public const string InvalidName = "HDIOV1008";
    public const string InvalidPciAddress = "HDIOV1009";
    public const string ConflictingFields = "HDIOV1010";
    public const string UnknownReference = "HDIOV1011";
    public const string FileNotReadable = "HDIOV1012";
    public const string DuplicateKey = "HDIOV1013";
    public const string UnsupportedYamlFeature = "HDIOV1014";
    public const string MultipleDocuments = "HDIOV1015";
    public const string DocumentTooLarge = "HDIOV1016";

    public const string NoDeviceMatches = "HDIOV2001";
    public const string CapacityExceeded = "HDIOV2002";
    public const string ModeConflict = "HDIOV2003";
    public const string PasidMissing = "HDIOV2004";
    public const string ScalableModeOff = "HDIOV2005";
    public const string DriverMissing = "HDIOV2006";
    public const string TypeNotOffered = "HDIOV2007";
    public const string DeviceInUse = "HDIOV2008";
    public const string UnownedInTheWay = "HDIOV2009";
    public const string BackendUnsupported = "HDIOV2010";
    public const string SriovUnsupported = "HDIOV2011";

    public const string BootLoaderUnsupported = "HDIOV2012";
    public const string BiosAttributeMissing = "HDIOV2013";
    public const string AttachmentUnsupported = "HDIOV2014";
    public const string VdevNotPlanned = "HDIOV2015";
    public const string ImperativeVdevNotDeclared = "HDIOV2016";
    public const string VdevNotOwned = "HDIOV2017";
    public const string DeclaredVdevRemoved = "HDIOV2018";
    public const string DomainNotFound = "HDIOV2019";
    public const string LibvirtUnavailable = "HDIOV2020";
    public const string AttachmentNotDeclared = "HDIOV2021";
    public const string BmcCredentialMissing = "HDIOV2022";
    public const string DeviceHeld = "HDIOV2023";
    public const string VdevNotCreated = "HDIOV2024";
    public const string GuestIommuRefused = "HDIOV2025";
    public const string GuestIommuDeferred = "HDIOV2026";

    public const string HostWriteFailed = "HDIOV3001";
    public const string StalePlan = "HDIOV3002";
    public const string HostLocked = "HDIOV3003";
    public const string CommandFailed = "HDIOV3004";
    public const string Cancelled = "HDIOV3005";
    public const string LedgerInvalid = "HDIOV3006";
    public const string DisruptionNotConfirmed = "HDIOV3007";
    public const string LibvirtFailed = "HDIOV3008";
    public const string RedfishFailed = "HDIOV3009";
    public const string RedfishSettingsChanged = "HDIOV3010";

    public const string ReadinessIommuOff = "HDIOV4001";
    public const string ReadinessScalableModeOff = "HDIOV4002";
    public const string ReadinessPasidMissing = "HDIOV4003";
    public const string ReadinessCmdline = "HDIOV4004";
    public const string ReadinessEnqcmd = "HDIOV4005";
    public const string ReadinessDriver = "HDIOV4006";
    public const string ReadinessInconsistentUnits = "HDIOV4007";
    public const string ReadinessDmarTable = "HDIOV4008";
    public const string ReadinessMdevctlDefinition = "HDIOV4009";
    public const string ReadinessHostData = "HDIOV4010";
    public const string ReadinessSiovIncapable = "HDIOV4011";
    public const string ReadinessAvailable = "HDIOV4012";
    public const string ReadinessCpuVirtualization = "HDIOV4013";
    public const string ReadinessQatConfig = "HDIOV4014";
    public const string ReadinessMdevctlAutostart = "HDIOV4015";
    public const string ReadinessGuestIommu = "HDIOV4016";
}
