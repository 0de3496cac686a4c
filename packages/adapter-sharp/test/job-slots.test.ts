import { JobSlots } from '../src/job-slots';

describe('JobSlots', () => {
  it('runs at most its size at once, in arrival order, releasing slots of failed jobs', async () => {
    const slots = new JobSlots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const job = (n: number) =>
      slots.run(async () => {
        started.push(n);
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        if (n % 3 === 0) throw new Error(`job ${n} failed`);
        return n;
      });
    const results = await Promise.allSettled(Array.from({ length: 9 }, (_, n) => job(n)));
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(3);
  });
});
