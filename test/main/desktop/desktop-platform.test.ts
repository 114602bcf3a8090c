import { describe, expect, it, vi } from 'vitest';

const picked = vi.hoisted(() => ({ filePaths: [] as string[] }));

vi.mock('electron', () => ({
  dialog: { showOpenDialog: async () => ({ canceled: false, filePaths: picked.filePaths }) },
  nativeTheme: { shouldUseDarkColors: false, themeSource: 'system' },
}));

const { desktopPlatform } = await import('../../../src-main/desktop/desktop-platform');

const choose = (...filePaths: string[]) => {
  picked.filePaths = filePaths;
  return desktopPlatform({ version: '0.0.0', modelsDir: '/m', window: () => null })['dataset:choose']({ kind: 'csv' });
};

describe('desktop dataset dialog', () => {
  it('pairs two chosen CSV files by the same rule as uploads: the one named "test" tests', async () => {
    expect(await choose('/d/train.csv')).toEqual({ source: { kind: 'csv', train: '/d/train.csv' }, label: 'train.csv' });
    expect(await choose('/d/mnist_test.csv', '/d/mnist_train.csv')).toEqual({
      source: { kind: 'csv', train: '/d/mnist_train.csv', test: '/d/mnist_test.csv' },
      label: 'mnist_train.csv + mnist_test.csv',
    });
    expect((await choose('/d/a.csv', '/d/b-Test.csv'))?.source).toEqual({ kind: 'csv', train: '/d/a.csv', test: '/d/b-Test.csv' });
  });

  it('refuses two CSV files when neither (or both) is named "test", instead of guessing', async () => {
    await expect(choose('/d/a.csv', '/d/b.csv')).rejects.toThrow('Of two CSV files, name the test one (and only that one) with "test" in it.');
    await expect(choose('/test/a-test.csv', '/d/b_test.csv')).rejects.toThrow('name the test one (and only that one)');
    await expect(choose('/d/a.csv', '/d/b.csv', '/d/c_test.csv')).rejects.toThrow('Choose one CSV file, or two (training and test).');
  });
});
