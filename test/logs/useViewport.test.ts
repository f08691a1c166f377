import { expectedScrollerHeight } from '../../src/logs/useViewport';

describe('expectedScrollerHeight', () => {
  // jsdom's window is 768 px high; the toolbar takes 37 px of the viewer.
  it('knows the log’s height before layout for the heights the plugin gives its viewers', () => {
    expect(window.innerHeight).toBe(768);
    expect(expectedScrollerHeight(400)).toBe(363);
    expect(expectedScrollerHeight('400px')).toBe(363);
    expect(expectedScrollerHeight('80vh')).toBe(Math.round(614.4 - 37));
    expect(expectedScrollerHeight('calc(100vh - 64px)')).toBe(768 - 64 - 37);
  });

  it('guesses a 600 px viewer for other heights, which the first layout corrects', () => {
    expect(expectedScrollerHeight('50%')).toBe(563);
    expect(expectedScrollerHeight('calc(100% - 2em)')).toBe(563);
  });
});
