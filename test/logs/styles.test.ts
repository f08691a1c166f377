import { codeFontFamily } from '../../src/logs/styles';

describe('codeFontFamily', () => {
  it('names the code font each platform has, and the user’s monospace font elsewhere', () => {
    const mac =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const iPad =
      'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    const windows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
    const linux =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    expect(codeFontFamily(mac)).toBe('Menlo, monospace');
    expect(codeFontFamily(iPad)).toBe('Menlo, monospace');
    expect(codeFontFamily(windows)).toBe('Consolas, monospace');
    expect(codeFontFamily(linux)).toBe('monospace');
  });
});
