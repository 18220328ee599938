import { mount } from 'svelte';
import Office from './Office.svelte';
import '../app.css';
import './office.css';

const target = document.getElementById('app');
if (!target) throw new Error('no #app element');
export default mount(Office, { target });
