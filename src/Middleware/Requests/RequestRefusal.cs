namespace EdgeProxy.Middleware.Requests;

/// <summary>Why a request was refused before routing; <see cref="RequestRefusals.Describe"/> is the body and the log's error.</summary>
public enum RequestRefusal
{
    None,
    PathParameter,
    EncodedSlash,
    Backslash,
    BadHost,
}

public static class RequestRefusals
{
    public static string Describe(this RequestRefusal refusal) => refusal switch
    {
        RequestRefusal.PathParameter => "path parameter (';') refused",
        RequestRefusal.EncodedSlash => "encoded slash (%2F or %5C) refused",
        RequestRefusal.Backslash => "backslash in the path refused",
        RequestRefusal.BadHost => "malformed host refused",
        _ => "",
    };
}
