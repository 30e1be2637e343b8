namespace EdgeProxy.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>
    /// Polls <paramref name="condition"/> until it holds or <paramref name="deadline"/> passes (a functional deadline
    /// from the spec, such as "an edit applies within 5 s", never a speed measurement).
    /// </summary>
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(50);
        }
    }
}
