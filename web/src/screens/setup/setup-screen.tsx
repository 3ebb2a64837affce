import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, api, messageOf, unwrap } from '../../api/client.ts';
import { signIn } from '../../app/session.ts';
import { AuthCard } from '../../components/auth-card.tsx';

const route = getRouteApi('/setup');

/** First run: the one-time link printed at the first start creates the first admin, who is then signed in. */
export function SetupScreen() {
  const { token } = route.useSearch();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  if (!token) {
    return (
      <AuthCard title="Setup link needed">
        <p>
          Open the one-time link productOS printed when it first started (<code>/setup?token=…</code>). Once
          an admin exists, <a href="/sign-in">sign in</a> instead.
        </p>
      </AuthCard>
    );
  }

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      token,
      name: String(form.get('name')),
      email: String(form.get('email')),
      password: String(form.get('password')),
    };
    setBusy(true);
    setError(null);
    setFields({});
    try {
      unwrap(await api.POST('/api/v1/setup', { body }));
      await signIn(body.email, body.password);
      await navigate({ to: '/inbox' });
    } catch (caught) {
      setError(messageOf(caught));
      if (caught instanceof ApiError) setFields(caught.fields);
      setBusy(false);
    }
  };

  const fieldError = (name: string) =>
    fields[name] ? (
      <span id={`${name}-error`} className="error-text">
        {fields[name]}
      </span>
    ) : null;

  return (
    <AuthCard title="Welcome to productOS" intro="Create the first admin account. This link works once.">
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="name">Name</label>
          <input
            id="name"
            name="name"
            className="input"
            required
            maxLength={200}
            autoComplete="name"
            autoFocus
          />
          {fieldError('name')}
        </div>
        <div className="field">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" className="input" required autoComplete="username" />
          {fieldError('email')}
        </div>
        <div className="field">
          <label htmlFor="password">Password (10 characters or more)</label>
          <input
            id="password"
            name="password"
            type="password"
            className="input"
            required
            minLength={10}
            autoComplete="new-password"
          />
          {fieldError('password')}
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary wide" disabled={busy}>
          {busy ? 'Creating…' : 'Create admin and sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
