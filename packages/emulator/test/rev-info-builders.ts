/** rev_infos with one kind of traits, for the rule tables. */
export const user = (traits: Record<string, unknown>) => ({
  user_ref: 'alice',
  user_traits: traits,
});
export const account = (traits: Record<string, unknown>) => ({
  user_ref: 'a',
  account_traits: traits,
});
export const workspace = (traits: Record<string, unknown>) => ({
  user_ref: 'a',
  workspace_traits: traits,
});
