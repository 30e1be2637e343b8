using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Ocsp;

namespace EdgeProxy.Tests.Proxy.Ocsp;

public sealed class OcspRefreshScheduleTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retry = TimeSpan.FromMinutes(1);

    internal static OcspCertificate Certificate(string name = "site.test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256).CreateSelfSigned(Now.AddDays(-1), Now.AddDays(1));
        return new OcspCertificate($"Kestrel:Certificates:{name}", X509CertificateLoader.LoadCertificate(certificate.RawData), null, new OcspState(OcspStateKind.Pending));
    }

    private static OcspCodec.Answer Good(DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate) => new(OcspCodec.CertificateStatus.Good, thisUpdate, nextUpdate, null);

    [Fact]
    public void A_usable_answer_is_refreshed_at_half_its_validity()
    {
        var schedule = new OcspRefreshSchedule(Retry);
        var certificate = Certificate();

        schedule.Succeeded(certificate, Good(Now, Now.AddDays(1)), Now);

        Assert.Equal(Now.AddHours(12), schedule.DueAt(certificate));
    }

    [Fact]
    public void An_answer_without_next_update_counts_as_two_hours_and_one_past_half_life_is_retried()
    {
        var schedule = new OcspRefreshSchedule(Retry);
        var fresh = Certificate("fresh.test");
        var old = Certificate("old.test");

        schedule.Succeeded(fresh, Good(Now, null), Now);
        schedule.Succeeded(old, Good(Now.AddHours(-20), Now.AddHours(4)), Now);

        Assert.Equal(Now.AddHours(1), schedule.DueAt(fresh));
        Assert.Equal(Now + Retry, schedule.DueAt(old));
    }

    [Fact]
    public void Failures_back_off_doubling_up_to_an_hour_and_a_success_starts_over()
    {
        var schedule = new OcspRefreshSchedule(Retry);
        var certificate = Certificate();
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 9; i++)
        {
            schedule.Failed(certificate, Now);
            delays.Add(schedule.DueAt(certificate)!.Value - Now);
        }

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays.Select(d => d.TotalMinutes));

        schedule.Succeeded(certificate, Good(Now, Now.AddDays(1)), Now);
        schedule.Failed(certificate, Now);
        Assert.Equal(Now + Retry, schedule.DueAt(certificate));
    }

    [Fact]
    public void Next_and_due_follow_the_earliest_entry()
    {
        var schedule = new OcspRefreshSchedule(Retry);
        var soon = Certificate("soon.test");
        var later = Certificate("later.test");
        var warmUp = Now.AddMinutes(15);

        Assert.Equal(warmUp, schedule.Next(latest: warmUp));

        schedule.Failed(soon, Now); // due in a minute
        schedule.Succeeded(later, Good(Now, Now.AddDays(1)), Now);

        Assert.Equal(Now + Retry, schedule.Next(latest: warmUp));
        Assert.Empty(schedule.Due(Now));
        Assert.Equal([soon], schedule.Due(Now + Retry));
        Assert.Equal(2, schedule.Due(Now.AddDays(1)).Count);
    }
}
